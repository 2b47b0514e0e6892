/**
 * wg(4)'s data path in the lab: the lab kernel has no wireguard module, so the two ends run wireguard-go
 * (userspace WireGuard, built from the Go module proxy by scripts/wireguard-go.sh) in two network
 * namespaces joined by a veth "Internet". Each end is configured from the /etc/hostname.wg0 the planner
 * renders for it — read back with the wg model's parser (wgkey, wgport, wgpeer, wgendpoint, wgaip, wgpka)
 * and handed to wireguard-go over its UAPI socket — and then a ping crosses the tunnel both ways: the
 * derived keys, endpoints and allowed IPs of the rendered files make a working WireGuard tunnel.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { homedir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHostnameIf } from "../../sdk/model/hostnameif/index";
import { parseWg } from "../../sdk/model/wg/index";
import { planAndRender } from "../../sdk/planner/index";
import { deriveWgKeyPair } from "../../sdk/planner/wgkeys";
import { FP_KEY, gw } from "../unit/planner/fixtures";

const WG_GO = process.env.WIREGUARD_GO ?? `${homedir()}/.cache/pulumi-openbsd/wireguard-go/wireguard`;
const tag = `wgdp${process.pid % 10000}`;
const NS = { a: `${tag}a`, b: `${tag}b` };
// Linux names of the two wg0 (the UAPI sockets /var/run/wireguard/NAME.sock are shared by all namespaces)
const DEV = { a: `${tag}wa`, b: `${tag}wb` };
const EXT = { a: "198.18.77.1", b: "198.18.77.2" };
const procs: ChildProcess[] = [];

const sh = (...a: string[]) => execFileSync(a[0]!, a.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const inNs = (ns: string, ...a: string[]) => sh("ip", "netns", "exec", ns, ...a);
const hex = (b64: string) => Buffer.from(b64, "base64").toString("hex");

/** Sends one UAPI `set` to wireguard-go and returns its answer (`errno=0`). */
function uapi(dev: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(`/var/run/wireguard/${dev}.sock`);
    let got = "";
    c.on("data", (d) => {
      got += d.toString();
      if (got.endsWith("\n\n")) {
        c.end();
        resolve(got.trim());
      }
    });
    c.on("error", reject);
    c.write(`set=1\n${body}\n`);
  });
}

/** The UAPI `set` body of a hostname.wgN file, through the wg model's parser. */
function uapiOf(text: string): string {
  const h = parseHostnameIf(text, "hostname.wg0");
  const p = parseWg(h.value.lines);
  expect(p.errors).toEqual([]);
  const wg = p.wg!;
  const L = [`private_key=${hex(wg.privateKey)}`, `listen_port=${wg.port}`, "replace_peers=true"];
  for (const peer of wg.peers) {
    L.push(`public_key=${hex(peer.publicKey)}`);
    if (peer.psk) L.push(`preshared_key=${hex(peer.psk)}`);
    if (peer.endpoint) L.push(`endpoint=${peer.endpoint.host}:${peer.endpoint.port}`);
    if (peer.keepalive) L.push(`persistent_keepalive_interval=${peer.keepalive}`);
    L.push("replace_allowed_ips=true", ...peer.allowedIps.map((a) => `allowed_ip=${a}`));
  }
  return L.join("\n") + "\n";
}

async function waitFor(p: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (p()) return;
  throw new Error("timed out");
}

const haveWgGo = existsSync(WG_GO);

describe.skipIf(!haveWgGo)("WireGuard data path (wireguard-go in two namespaces)", () => {
  let files: { a: string; b: string };

  beforeAll(async () => {
    const r = planAndRender({
      gateways: [gw("gw1", EXT.a, "172.16.0.0/24"), gw("gw2", EXT.b, "192.168.15.0/24")], tunnels: [], pairs: [], anchors: [], links: [],
      wireguard: [{
        name: "t", keepalive: 5, psk: "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=",
        left: { node: "gw1", interface: "wg0", inner: { address: "10.9.0.1", prefix: 24 }, port: 51820, ...deriveWgKeyPair("seed-gw1", "gw1", "wg0") },
        right: { node: "gw2", interface: "wg0", inner: { address: "10.9.0.2", prefix: 24 }, port: 51821, ...deriveWgKeyPair("seed-gw2", "gw2", "wg0") },
      }],
    }, { fingerprintKey: FP_KEY });
    files = { a: r.states.gw1!.files["/etc/hostname.wg0"]!.content, b: r.states.gw2!.files["/etc/hostname.wg0"]!.content };
    for (const s of ["a", "b"] as const) sh("ip", "netns", "add", NS[s]);
    sh("ip", "link", "add", `${tag}va`, "netns", NS.a, "type", "veth", "peer", "name", `${tag}vb`, "netns", NS.b);
    for (const s of ["a", "b"] as const) {
      inNs(NS[s], "ip", "link", "set", "lo", "up");
      inNs(NS[s], "ip", "addr", "add", `${EXT[s]}/24`, "dev", `${tag}v${s}`);
      inNs(NS[s], "ip", "link", "set", `${tag}v${s}`, "up");
      const p = spawn("ip", ["netns", "exec", NS[s], WG_GO, "-f", DEV[s]], { stdio: "ignore", env: { ...process.env, LOG_LEVEL: "error" } });
      procs.push(p);
      await waitFor(() => existsSync(`/var/run/wireguard/${DEV[s]}.sock`), 10_000);
    }
  }, 60_000);

  afterAll(() => {
    for (const p of procs) if (p.pid) p.kill();
    for (const s of ["a", "b"] as const) {
      try {
        sh("ip", "netns", "del", NS[s]);
      } catch {
        // already gone
      }
    }
  });

  it("the rendered hostname.wg0 files carry a ping across the tunnel", async () => {
    for (const s of ["a", "b"] as const) {
      expect(await uapi(DEV[s], uapiOf(files[s]))).toBe("errno=0");
      // the file's `inet` line and `up`
      const inet = files[s].split("\n").find((l) => l.startsWith("inet "))!.split(" ");
      expect(inet.slice(2)).toEqual(["255.255.255.0"]);
      inNs(NS[s], "ip", "addr", "add", `${inet[1]}/24`, "dev", DEV[s]);
      inNs(NS[s], "ip", "link", "set", DEV[s], "up");
    }
    const ping = (s: "a" | "b", to: string) => inNs(NS[s], "ping", "-c", "3", "-i", "0.2", "-W", "2", to);
    expect(ping("a", "10.9.0.2")).toMatch(/3 received/);
    expect(ping("b", "10.9.0.1")).toMatch(/3 received/);
    // the packets crossed the "Internet" as WireGuard (udp to the wg ports), not in the clear
    const stats = await uapiGet(DEV.a);
    expect(stats).toMatch(/rx_bytes=[1-9]/);
    expect(stats).toMatch(/last_handshake_time_sec=[1-9]/);
  }, 60_000);

  it("a wrong peer key (a file edited by hand) carries nothing", async () => {
    const bad = files.b.replace(/^wgpeer \S+/m, `wgpeer ${deriveWgKeyPair("other", "gw1", "wg0").publicKey}`);
    expect(await uapi(DEV.b, uapiOf(bad))).toBe("errno=0");
    expect(() => inNs(NS.a, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.9.0.2")).toThrow();
  }, 60_000);
});

function uapiGet(dev: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(`/var/run/wireguard/${dev}.sock`);
    let got = "";
    c.on("data", (d) => {
      got += d.toString();
      if (got.endsWith("\n\n")) {
        c.end();
        resolve(got);
      }
    });
    c.on("error", reject);
    c.write("get=1\n\n");
  });
}
