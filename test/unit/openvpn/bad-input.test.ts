/**
 * Bad input to packages, OpenVpnTunnel and TincNetwork (through Pulumi's mocks, no provider): refused at
 * preview with one message naming the resource, the field as written, the value (never a secret) and the fix,
 * word for word; a hostile package name never reaches the pkg_add command line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as openbsd from "pulumi-openbsd";
import { setupMocks, tolerateRejections, valueOf } from "../components/mocks";
import { Kit } from "../../support/bad-inputs";

let stopTolerating: () => Promise<unknown[]>;
beforeAll(async () => {
  await setupMocks();
  stopTolerating = tolerateRejections((e) => e instanceof openbsd.Refused);
});
afterAll(async () => {
  expect((await stopTolerating()).map((e) => String((e as Error)?.stack ?? e))).toEqual([]);
});

async function sealed(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}

/** The messages reported for what `build` declares (at declaration or when the gateways' states resolve). */
async function reported(build: (k: Kit) => openbsd.Gateway[], s: string): Promise<string[]> {
  const out: string[] = [];
  const stop = openbsd.onUserError((e) => out.push(e.message));
  try {
    let gws: openbsd.Gateway[] = [];
    try {
      gws = build(new Kit(s));
    } catch (e) {
      expect(e).toBeInstanceOf(openbsd.Refused);
      await sealed();
      return out;
    }
    const r = await Promise.allSettled(gws.map((g) => valueOf(g.state)));
    expect(r.every((x) => x.status === "rejected")).toBe(true);
    return out;
  } finally {
    stop();
  }
}

const KEY_OK = "-----BEGIN OpenVPN Static key V1-----\n" + "ab".repeat(16).concat("\n").repeat(16) + "-----END OpenVPN Static key V1-----\n";

describe("packages, OpenVPN and tinc: bad input refused at preview", () => {
  it("a package name with a shell command", async () => {
    expect(await reported((k) => [k.gw1({ packages: ["openvpn; reboot"] })], "-p1")).toEqual([
      'Gateway "gw1-p1": packages[0] = openvpn; reboot: not a package stem (letters, digits and `_+.`, words joined by `-`); give the package\'s stem as pkg_add takes it, e.g. `openvpn`, `tinc`, `vim--no_x11` or `python%3.11`',
    ]);
  });
  it("a package name that is an option", async () => {
    expect(await reported((k) => [k.gw1({ packages: ["-Dunsigned"] })], "-p2")).toEqual([
      'Gateway "gw1-p2": packages[0] = -Dunsigned: starts with `-` (pkg_add would read it as an option); give the package\'s stem as pkg_add takes it, e.g. `openvpn`, `tinc`, `vim--no_x11` or `python%3.11`',
    ]);
  });
  it("a package name with a newline", async () => {
    expect(await reported((k) => [k.gw1({ packages: ["tinc\nreboot"] })], "-p3")).toEqual([
      'Gateway "gw1-p3": packages[0] = tinc\\nreboot: holds a newline (\\n), which the pkg_add command line cannot hold safely; give the package\'s name as `pkg_info -Q NAME` lists it, e.g. `openvpn`',
    ]);
  });
  it("an OpenVPN key that is not a static key file: the value is never shown", async () => {
    const m = await reported((k) => {
      const a = k.gw1();
      const b = k.gw2();
      new openbsd.OpenVpnTunnel("ov-k1", { left: { gateway: a, inner: "10.8.0.1" }, right: { gateway: b, inner: "10.8.0.2" }, key: "hunter2-secret" });
      return [a, b];
    }, "-k1");
    expect(m).toEqual([
      'OpenVpnTunnel "ov-k1": key = (secret): not an OpenVPN static key file (no `-----BEGIN OpenVPN Static key V1-----` … END lines); give the whole file `openvpn --genkey secret FILE` writes (BEGIN line, 16 lines of hex, END line)',
    ]);
  });
  it("an OpenVPN end with an IPv6 inner address, and a key of the wrong length", async () => {
    expect(await reported((k) => {
      const a = k.gw1();
      const b = k.gw2();
      new openbsd.OpenVpnTunnel("ov-6", { left: { gateway: a, inner: "fd00::1" }, right: { gateway: b, inner: "10.8.0.2" }, key: KEY_OK });
      return [a, b];
    }, "-k2")).toHaveLength(1);
    const short = KEY_OK.replace(/^(ab)+\n/m, "");
    const m = await reported((k) => {
      const a = k.gw1();
      const b = k.gw2();
      new openbsd.OpenVpnTunnel("ov-k3", { left: { gateway: a, inner: "10.8.0.1" }, right: { gateway: b, inner: "10.8.0.2" }, key: short });
      return [a, b];
    }, "-k3");
    expect(m).toEqual(['OpenVpnTunnel "ov-k3": key = (secret): holds 240 key bytes; a static key has 256; give the whole file `openvpn --genkey secret FILE` writes (BEGIN line, 16 lines of hex, END line)']);
  });
  it("an OpenVPN tunnel named so that its file would leave /etc/openvpn", async () => {
    const m = await reported((k) => {
      const a = k.gw1();
      const b = k.gw2();
      new openbsd.OpenVpnTunnel("../../etc/rc", { left: { gateway: a, inner: "10.8.0.1" }, right: { gateway: b, inner: "10.8.0.2" } });
      return [a, b];
    }, "-k4");
    expect(m).toEqual(['OpenVpnTunnel "../../etc/rc": name = ../../etc/rc: names /etc/openvpn/NAME.conf: letters, digits and `_.-`, starting with a letter or digit, at most 64 characters; name the resource e.g. `site1-site2`']);
  });
  it("a tinc member named with a dash (tinc refuses it)", async () => {
    const m = await reported((k) => {
      const a = k.gw1();
      const b = k.gw2();
      new openbsd.TincNetwork("mesh", { members: [{ gateway: a, inner: "10.10.0.1/24" }, { gateway: b, inner: "10.10.0.2/24" }] });
      return [a, b];
    }, "-t1");
    expect(m).toEqual(['TincNetwork "mesh": members[0].gateway = gw1-t1: not a tinc name (letters, digits and `_` only: tinc refuses `-` and `.`); give e.g. `gw1` or `site_a`']);
  });
});
