/**
 * The emulated IKE daemons authenticate a peer only as the real ones would (test/lab/emu/ike-keys.ts):
 * the signer's local.key must be root-owned and 0600, and the verifier must hold its public key under
 * pubkeys/ID or trust the CA of its certificate for that ID, within its validity.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { authenticates, readIkeKeys, snapshotAtStart } from "../../lab/emu/ike-keys";
import { planAndRender } from "../../../sdk/planner/index";
import type { CaSpec } from "../../../sdk/planner/x509";
import { FP_KEY, topo, tunnel } from "../planner/fixtures";

const root = mkdtempSync(join(tmpdir(), "ike-keys-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes each gateway's /etc/isakmpd files of a plan under root/NAME/isakmpd. */
function install(name: string, auth: { kind: "publickey" } | { kind: "x509"; ca: CaSpec }): Record<string, string> {
  const r = planAndRender(topo({ tunnels: [tunnel({ keying: { kind: "ike", auth } })] }), { fingerprintKey: FP_KEY });
  const dirs: Record<string, string> = {};
  for (const [gw, s] of Object.entries(r.states)) {
    const base = join(root, name, gw);
    for (const [p, f] of Object.entries(s.files)) {
      if (!p.startsWith("/etc/isakmpd/")) continue;
      const path = join(base, p.slice("/etc/".length));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
      chmodSync(path, Number.parseInt(f.mode, 8));
    }
    dirs[gw] = join(base, "isakmpd");
  }
  return dirs;
}
const CA: CaSpec = { name: "vpn-ca", keySeed: "ca-seed-0123456789abcdef", commonName: "VPN CA", notBefore: "2025-01-01T00:00:00Z", notAfter: "2045-01-01T00:00:00Z" };
const ID1 = "ipv4/192.0.2.153";
const ID2 = "ipv4/192.0.123.85";

describe("emulated IKE authentication", () => {
  it("public keys: each side verifies the other with pubkeys/ID, and nothing else", async () => {
    const d = install("pk", { kind: "publickey" });
    const [k1, k2] = [await readIkeKeys(d.gw1!, true), await readIkeKeys(d.gw2!, true)];
    expect([authenticates(k1, ID1, k2), authenticates(k2, ID2, k1)]).toEqual(["pubkey", "pubkey"]);
    // the ID gw1 claims must be the one gw2 holds a key for
    expect(authenticates(k1, "fqdn/gw1.example.org", k2)).toBeUndefined();
    // gw2's key file for gw1 replaced by gw2's own public key
    writeFileSync(join(d.gw2!, "pubkeys", ID1), await import("node:fs").then((fs) => fs.readFileSync(join(d.gw2!, "local.pub"), "utf8")));
    expect(authenticates(k1, ID1, await readIkeKeys(d.gw2!, true))).toBeUndefined();
  });

  it("a local.key readable by others is not used (isakmpd's check_file_secrecy_fd)", async () => {
    const d = install("mode", { kind: "publickey" });
    chmodSync(join(d.gw1!, "private", "local.key"), 0o644);
    const k1 = await readIkeKeys(d.gw1!, true);
    expect(k1.local).toBeUndefined();
    expect(k1.localProblem).toBe(`${join(d.gw1!, "private", "local.key")}: must be owned by root and not readable by others (mode 644)`);
  });

  it("X.509: a certificate for the ID from a trusted CA, within its validity", async () => {
    const d = install("x509", { kind: "x509", ca: CA });
    const [k1, k2] = [await readIkeKeys(d.gw1!, true), await readIkeKeys(d.gw2!, true)];
    expect([authenticates(k1, ID1, k2), authenticates(k2, ID2, k1)]).toEqual(["x509", "x509"]);
    expect(authenticates(k1, "ipv4/192.0.2.1", k2)).toBeUndefined();
    expect(authenticates(k1, ID1, k2, new Date("2046-01-01T00:00:00Z"))).toBeUndefined();
    // gw2 trusts another CA only
    const other = install("x509-other", { kind: "x509", ca: { ...CA, keySeed: "another-seed-0123456789" } });
    expect(authenticates(k1, ID1, await readIkeKeys(other.gw2!, true))).toBeUndefined();
  });

  it("the CA and certificates are those loaded when the daemon started", async () => {
    const d = install("start", { kind: "x509", ca: CA });
    const atStart = await snapshotAtStart(d.gw2!, "isakmpd", "run-1");
    // gw2's CA replaced on disk after the start: the running daemon still trusts the one it loaded
    const other = install("start-other", { kind: "x509", ca: { ...CA, keySeed: "another-seed-0123456789" } });
    writeFileSync(join(d.gw2!, "ca", "vpn-ca.crt"), readFileSync(join(other.gw2!, "ca", "vpn-ca.crt")));
    const k1 = await readIkeKeys(d.gw1!, true);
    expect(authenticates(k1, ID1, await readIkeKeys(d.gw2!, true, atStart))).toBe("x509");
    // after a restart it loads the new one
    expect(authenticates(k1, ID1, await readIkeKeys(d.gw2!, true, await snapshotAtStart(d.gw2!, "isakmpd", "run-2")))).toBeUndefined();
  });
});
