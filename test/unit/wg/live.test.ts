import { describe, expect, it } from "vitest";
import { wgRunningMatches } from "../../../sdk/model/wg/live";
import { deriveWgKeyPair, wgPublicKey } from "../../../sdk/planner/wgkeys";

const k1 = deriveWgKeyPair("s", "gw1", "wg0");
const k2 = deriveWgKeyPair("s", "gw2", "wg0");
const k3 = deriveWgKeyPair("s", "gw3", "wg0");
const FILE = `wgkey ${k1.privateKey} wgport 51820\nwgpeer ${k2.publicKey} wgpka 25 wgendpoint 192.0.123.85 51820 wgaip 10.9.0.2/32 wgaip 192.168.15.0/24\ninet 10.9.0.1 255.255.255.0\nup\n`;
// `ifconfig wg0` as OpenBSD prints it (wg_status)
const live = (peerKey: string, aips = ["10.9.0.2/32", "192.168.15.0/24"], pub = k1.publicKey) => `wg0: flags=80c3<UP,BROADCAST,RUNNING,NOARP,MULTICAST> mtu 1420
\tindex 5 priority 0 llprio 3
\twgport 51820
\twgpubkey ${pub}
\twgpeer ${peerKey}
\t\twgpka 25 (sec)
\t\twgendpoint 192.0.123.85 51820
\t\ttx: 1234, rx: 5678
\t\tlast handshake: 3 seconds ago
${aips.map((a) => `\t\twgaip ${a}`).join("\n")}
\tgroups: wg
\tinet 10.9.0.1 netmask 0xffffff00 broadcast 10.9.0.255
`;

describe("running wg(4) against hostname.wg0 (refresh)", () => {
  it("matches what the file configured", () => {
    expect(wgRunningMatches(FILE, live(k2.publicKey), wgPublicKey)).toBe(true);
  });
  it("finds a peer replaced, an allowed IP removed, another private key, a peer removed by hand", () => {
    expect(wgRunningMatches(FILE, live(k3.publicKey), wgPublicKey)).toBe(false);
    expect(wgRunningMatches(FILE, live(k2.publicKey, ["10.9.0.2/32"]), wgPublicKey)).toBe(false);
    expect(wgRunningMatches(FILE, live(k2.publicKey, undefined, k3.publicKey), wgPublicKey)).toBe(false);
    expect(wgRunningMatches(FILE, live(k2.publicKey).replace(/\twgpeer[\s\S]*?(?=\tgroups)/, ""), wgPublicKey)).toBe(false);
  });
  it("says nothing about a file without wg settings", () => {
    expect(wgRunningMatches("inet 10.0.0.1 255.255.255.0\nup\n", "", wgPublicKey)).toBeUndefined();
  });
});
