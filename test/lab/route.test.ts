// The emulated OpenBSD route(8) subset (a test double): output and refusals.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

describe("route", () => {
  let gw: EmuRoot;
  beforeEach(() => { gw = emuRoot("gw1", []); });
  afterEach(() => gw.cleanup());

  it("prints what it adds and deletes, nothing with -q", async () => {
    expect(await gw.run("route", "add", "-net", "10.2.0.0/24", "10.255.0.2")).toEqual({ stdout: "add net 10.2.0.0/24: gateway 10.255.0.2\n", stderr: "", code: 0 });
    expect(await gw.run("route", "-n", "add", "-host", "192.0.2.9", "10.255.0.2")).toEqual({ stdout: "add host 192.0.2.9: gateway 10.255.0.2\n", stderr: "", code: 0 });
    expect(await gw.run("route", "-qn", "add", "-net", "10.3.0.0", "-netmask", "255.255.255.0", "10.255.0.2")).toEqual({ stdout: "", stderr: "", code: 0 });
    expect(await gw.run("route", "delete", "default")).toEqual({ stdout: "delete net default\n", stderr: "", code: 0 });
  });

  it("refuses bad destinations and verbs", async () => {
    expect(await gw.run("route", "add", "-net", "10.2.0.300/24", "10.255.0.2")).toEqual({ stdout: "", stderr: "route: 10.2.0.300/24: bad address\n", code: 1 });
    expect(await gw.run("route", "flush-everything")).toEqual({ stdout: "", stderr: "usage: route [-dnqtv] [-T rtable] command [[modifiers] args]\n", code: 1 });
  });
});
