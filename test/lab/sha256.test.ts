// The emulated OpenBSD sha256(1) (a test double).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emuRoot, type EmuRoot } from "./helpers/emu-root";

describe("sha256", () => {
  let gw: EmuRoot;
  beforeEach(() => { gw = emuRoot("gw1", []); });
  afterEach(() => gw.cleanup());

  it("prints OpenBSD's `SHA256 (FILE) = hex`, -q the digest only, and refuses missing files", async () => {
    gw.write("etc/ipsec.conf", "abc");
    const h = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(await gw.run("sha256", "/etc/ipsec.conf")).toEqual({ stdout: `SHA256 (/etc/ipsec.conf) = ${h}\n`, stderr: "", code: 0 });
    expect(await gw.run("sha256", "-q", "/etc/ipsec.conf")).toEqual({ stdout: `${h}\n`, stderr: "", code: 0 });
    expect(await gw.run("sha256", "/etc/nope")).toEqual({ stdout: "", stderr: "sha256: /etc/nope: No such file or directory\n", code: 1 });
  });
});
