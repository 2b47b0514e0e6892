/**
 * A hand-built HostState for gw1 of the lab's site-to-site topology (tests of the provider only; the
 * components build these for users). The PSK is a throwaway value that tests grep for in logs/state.
 */
import type { HostState } from "../../sdk/state";
import { expectedKernel, parseIpsecConf } from "../../sdk/model/ipsec";
import { labExec, type Lab, type LabGateway } from "../lab/api";
import type { SshTarget } from "../../providers/transport/ssh";

export const PSK = "t3st-PSK-never-in-logs-7d1e";

/** The two ends of the site-to-site lab: gw1 (net1 172.16.0.0/24, 192.0.2.153) and gw2 (net2, 192.0.123.85). */
export const SIDES = {
  gw1: { net: "172.16.0.0/24", peerNet: "192.168.15.0/24", me: "192.0.2.153", peer: "192.0.123.85", em0: "inet 172.16.0.1 255.255.255.0 NONE\nup\n" },
  gw2: { net: "192.168.15.0/24", peerNet: "172.16.0.0/24", me: "192.0.123.85", peer: "192.0.2.153", em0: "inet 192.168.15.1 255.255.255.0 NONE\nup\n" },
} as const;
export type Side = keyof typeof SIDES;

export function ipsecConf(side: Side = "gw1", psk = PSK): string {
  const s = SIDES[side];
  return `ike esp from ${s.net} to ${s.peerNet} peer ${s.peer} main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 psk "${psk}"\n`;
}

export const PF_CONF = 'set skip on lo\npass\nanchor "vpn"\nload anchor "vpn" from "/etc/pf.anchors/vpn"\n';

export function anchorRules(side: Side = "gw1"): string {
  const { me, peer } = SIDES[side];
  return [
    `pass in on em1 proto udp from ${peer} to ${me} port { 500 4500 }`,
    `pass in on em1 proto esp from ${peer} to ${me}`,
    `pass out on em1 proto udp from ${me} to ${peer} port { 500 4500 }`,
    `pass out on em1 proto esp from ${me} to ${peer}`,
  ].join("\n") + "\n";
}

export function gwState(side: Side = "gw1", opts: { psk?: string; anchor?: string; forwarding?: string; em0?: string } = {}): HostState {
  const fwd = opts.forwarding ?? "1";
  return {
    files: {
      "/etc/ipsec.conf": { content: ipsecConf(side, opts.psk), mode: "0600", owner: "root", group: "wheel", secret: true, check: "ipsec" },
      "/etc/pf.conf": { content: PF_CONF, mode: "0600", owner: "root", group: "wheel", check: "pf" },
      "/etc/pf.anchors/vpn": { content: opts.anchor ?? anchorRules(side), mode: "0600", owner: "root", group: "wheel", check: "pf-anchor" },
      "/etc/sysctl.conf": { content: `net.inet.ip.forwarding=${fwd}\nnet.inet.esp.enable=1\n`, mode: "0644", owner: "root", group: "wheel", check: "none" },
      "/etc/hostname.em0": { content: opts.em0 ?? SIDES[side].em0, mode: "0640", owner: "root", group: "wheel", check: "none" },
    },
    sysctls: { "net.inet.ip.forwarding": fwd, "net.inet.esp.enable": "1" },
    services: {
      isakmpd: { order: 1, enabled: true, flags: "-K", running: true },
      ipsec: { order: 2, enabled: true, running: true },
    },
    interfaces: ["em0"],
    anchors: { vpn: { file: "/etc/pf.anchors/vpn" } },
    ipsec: { daemon: "isakmpd", ruleFile: "/etc/ipsec.conf" },
    // what the planner hands the provider with the ipsec.conf: the kernel entries it stands for, typed
    ipsecKernel: expectedKernel(parseIpsecConf(ipsecConf(side, opts.psk)).value),
    // what the planner hands the provider: the secret values its files hold (providers/redact.ts masks them)
    secrets: [opts.psk ?? PSK],
  };
}

/** gw1's state (kept for brevity in tests). */
export const gw1State = (opts: Parameters<typeof gwState>[1] = {}) => gwState("gw1", opts);

export function targetOf(g: LabGateway): SshTarget {
  return { host: g.host, port: g.port, user: g.user, privateKey: g.privateKey, hostKey: g.hostKey };
}

/** Runs `cmd` (with `run`, e.g. on a lab gateway) until `want` holds for its output, for at most `ms`; the last output. */
export async function until(run: (cmd: string) => Promise<string>, cmd: string, want: (out: string) => boolean, ms = 30_000): Promise<string> {
  const end = Date.now() + ms;
  let out = await run(cmd);
  while (!want(out) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    out = await run(cmd);
  }
  return out;
}

/** A change of gw1's state a user would notice: forwarding 2 and an ssh rule in the VPN anchor. */
export const changedGw1 = (): HostState => gwState("gw1", { forwarding: "2", anchor: anchorRules("gw1") + "pass in on em1 proto tcp from 192.0.123.85 to 192.0.2.153 port 22\n" });

/** The message a promise is rejected with ("" when it resolves). */
export const errOf = (p: Promise<unknown>): Promise<string> => p.then(() => "", (e: Error) => e.message);

/** Runs a command on `gw` of `lab` (as root, in its namespaces); its stdout then its stderr. */
export const onGateway = (lab: () => Lab, gw = "gw1") => async (cmd: string): Promise<string> => {
  const r = await labExec(lab(), gw, cmd);
  return r.stdout + r.stderr;
};

/** What the provider's log said (its notes and warnings go to stderr) while `fn` ran. */
export async function stderrOf(fn: () => Promise<unknown>): Promise<string> {
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => (said.push(String(chunk)), (write as (...a: unknown[]) => boolean)(chunk, ...rest))) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return said.join("");
}
