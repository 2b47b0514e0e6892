/**
 * wg(4) settings in /etc/hostname.wgN, as ifconfig(8) takes them (sbin/ifconfig/ifconfig.c `setwg*`):
 *
 *     wgkey PRIVATE [wgport N] [wgrtable N]
 *     wgpeer PUBLIC [wgdescr TEXT] [wgpsk KEY] [wgpka N] [wgendpoint HOST PORT] [wgaip PREFIX …]
 *     inet ADDR MASK NONE
 *     up
 *
 * Interface settings form the first line, then one line per peer (every peer keyword after `wgpeer`
 * applies to that peer, so a peer is one ifconfig command), then the addresses and `up` (plain
 * hostname.if lines). The lines are the hostname.if model's `ifconfig` lines: this module turns a typed
 * {@link WgInterface} into them and back, with the token checks of each keyword.
 */
import { ModelError } from "../diagnostics";
import type { HostnameIfLine } from "../hostnameif/index";
import { hostAddress, network } from "../tokens/address";
import { hostnameIfWord } from "../tokens/words";
import { refusalOf, shown, type TokenRule } from "../tokens/refusal";
import { udpPort, wgKey, WG_PKA_MAX } from "../tokens/wg";

/** One `wgpeer` of a wg interface. */
export interface WgPeer {
  /** `wgpeer KEY`: the peer's public key (base64, 32 bytes). */
  publicKey: string;
  /** `wgdescr TEXT`: a description of the peer (one hostname.if word here). Default none. */
  description?: string;
  /** `wgpsk KEY`: optional pre-shared key mixed into the handshake (base64, 32 bytes; a secret). Default none. */
  psk?: string;
  /** `wgpka N`: persistent keepalive interval in seconds, 0–43200 (0 = off, the default). */
  keepalive?: number;
  /** `wgendpoint HOST PORT`: where the peer is reached; default none (the peer must contact us first). */
  endpoint?: { host: string; port: number };
  /** `wgaip PREFIX`: the peer's allowed IPs (inner sources accepted from it, destinations routed to it); canonical CIDR. */
  allowedIps: string[];
}

/** A wg interface's WireGuard settings. */
export interface WgInterface {
  /** `wgkey KEY`: the interface's private key (base64, 32 bytes; a secret). */
  privateKey: string;
  /** `wgport N`: UDP port it listens on; default: a random port chosen by the kernel. */
  port?: number;
  /** `wgrtable N`: routing table of the outer (UDP) packets, 0–255; default 0. */
  rtable?: number;
  peers: WgPeer[];
}

function check<T>(path: string, rule: TokenRule<T>, v: unknown, secret = false): T {
  const r = refusalOf(rule, v);
  if (r) throw new ModelError(path, secret ? "(secret)" : shown(v), `${r.reason}; ${r.fix}`);
  return rule(v);
}

/** A prefix as `wgaip` takes it (inet_net_pton of one family): always written ADDR/LEN. */
const aip: TokenRule = (v) => {
  const n = network(undefined, { hostBits: "clear" })(v);
  return n.includes("/") ? n : `${n}/${n.includes(":") ? 128 : 32}`;
};

const rtable = (v: unknown): number => {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 255) return v;
  throw new ModelError("wgrtable", shown(v), "a routing table id is an integer in 0–255; give an existing rdomain/rtable");
};

const pka = (v: unknown): number => {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= WG_PKA_MAX) return v;
  throw new ModelError("wgpka", shown(v), `a keepalive interval is an integer in 0–${WG_PKA_MAX} seconds; give e.g. 25`);
};

/** The hostname.if lines (`ifconfig` kind) of a wg interface's settings, checked keyword by keyword. */
export function wgLines(w: WgInterface, path = "wg"): HostnameIfLine[] {
  const head = ["wgkey", check(`${path}.privateKey`, wgKey("a wgkey"), w.privateKey, true)];
  if (w.port !== undefined) head.push("wgport", String(check(`${path}.port`, udpPort("wgport"), w.port)));
  if (w.rtable !== undefined) head.push("wgrtable", String(rtable(w.rtable)));
  const out: HostnameIfLine[] = [{ kind: "ifconfig", args: head }];
  const seen = new Set<string>();
  w.peers.forEach((p, i) => {
    const at = `${path}.peers[${i}]`;
    const key = check(`${at}.publicKey`, wgKey("a wgpeer key"), p.publicKey);
    if (seen.has(key)) throw new ModelError(`${at}.publicKey`, key, "two peers have this public key; merge them");
    seen.add(key);
    const a = ["wgpeer", key];
    if (p.description !== undefined) a.push("wgdescr", check(`${at}.description`, hostnameIfWord, p.description));
    if (p.psk !== undefined) a.push("wgpsk", check(`${at}.psk`, wgKey("a wgpsk"), p.psk, true));
    if (p.keepalive !== undefined && p.keepalive !== 0) a.push("wgpka", String(pka(p.keepalive)));
    if (p.endpoint) a.push("wgendpoint", check(`${at}.endpoint.host`, hostAddress(), p.endpoint.host), String(check(`${at}.endpoint.port`, udpPort("a wgendpoint port"), p.endpoint.port)));
    for (const [j, x] of p.allowedIps.entries()) a.push("wgaip", check(`${at}.allowedIps[${j}]`, aip, x));
    out.push({ kind: "ifconfig", args: a });
  });
  return out;
}

/** What {@link parseWg} found: the settings (undefined without `wgkey`), the other lines, and problems. */
export interface WgParse {
  wg?: WgInterface;
  /** Lines that are not wg settings (addresses, `up`, …), in order. */
  rest: HostnameIfLine[];
  /** Problems as ifconfig(8) would report them (`wgaip: wgpeer not set`, `wgkey: invalid base64`). */
  errors: string[];
}

const NEXTARG = new Set(["wgkey", "wgport", "wgrtable", "wgpeer", "wgdescr", "wgdescription", "wgaip", "wgpsk", "wgpka"]);

/**
 * The wg settings of a parsed hostname.if (its `ifconfig` lines whose words are wg keywords). Keywords
 * may be spread over lines as ifconfig allows within one command; a peer keyword before any `wgpeer` of
 * its line is refused as ifconfig refuses it (`wgaip: wgpeer not set`).
 */
export function parseWg(lines: HostnameIfLine[]): WgParse {
  const rest: HostnameIfLine[] = [];
  const errors: string[] = [];
  let wg: WgInterface | undefined;
  const iface = (): WgInterface => (wg ??= { privateKey: "", peers: [] });
  for (const l of lines) {
    if (l.kind !== "ifconfig" || !(NEXTARG.has(l.args[0]!) || l.args[0] === "wgendpoint")) {
      rest.push(l);
      continue;
    }
    let peer: WgPeer | undefined;
    const ws = l.args;
    for (let i = 0; i < ws.length; i++) {
      const k = ws[i]!;
      const v = ws[i + 1];
      if (!NEXTARG.has(k) && k !== "wgendpoint") {
        errors.push(`${k}: not a wg keyword (ifconfig would read it as another command)`);
        break;
      }
      if (v === undefined) {
        errors.push(`${k}: missing argument`);
        break;
      }
      i++;
      const bad = (rule: TokenRule<unknown>, x: unknown): boolean => {
        const r = refusalOf(rule, x);
        if (r) errors.push(`${k}: ${r.reason}`);
        return r !== undefined;
      };
      const needPeer = (): WgPeer | undefined => {
        if (!peer) errors.push(`${k}: wgpeer not set`);
        return peer;
      };
      switch (k) {
        case "wgkey":
          if (!bad(wgKey("a wgkey"), v)) iface().privateKey = v;
          break;
        case "wgport": {
          const n = Number(v);
          if (!bad(udpPort("wgport"), /^\d+$/.test(v) ? n : v)) iface().port = n;
          break;
        }
        case "wgrtable":
          if (/^\d+$/.test(v) && Number(v) <= 255) iface().rtable = Number(v);
          else errors.push(`wgrtable ${v}: invalid`);
          break;
        case "wgpeer":
          if (!bad(wgKey("a wgpeer key"), v)) {
            peer = { publicKey: v, allowedIps: [] };
            iface().peers.push(peer);
          }
          break;
        case "wgdescr":
        case "wgdescription": {
          const p = needPeer();
          if (p) p.description = v;
          break;
        }
        case "wgpsk": {
          const p = needPeer();
          if (p && !bad(wgKey("a wgpsk"), v)) p.psk = v;
          break;
        }
        case "wgpka": {
          const p = needPeer();
          if (p) {
            if (/^\d+$/.test(v) && Number(v) <= WG_PKA_MAX) p.keepalive = Number(v);
            else errors.push(`wgpka: ${v}, invalid`);
          }
          break;
        }
        case "wgaip": {
          const p = needPeer();
          if (p && !bad(aip, v)) p.allowedIps.push(aip(v));
          break;
        }
        case "wgendpoint": {
          const port = ws[i + 1];
          i++;
          const p = needPeer();
          if (!p) break;
          if (port === undefined || !/^\d+$/.test(port)) {
            errors.push(`wgendpoint: expected HOST PORT`);
            break;
          }
          if (!bad(hostAddress(), v) && !bad(udpPort("a wgendpoint port"), Number(port))) p.endpoint = { host: hostAddress()(v), port: Number(port) };
          break;
        }
      }
    }
  }
  if (wg && wg.privateKey === "" && !errors.some((e) => e.startsWith("wgkey"))) errors.push("wgkey: no private key (the interface would get none and carry nothing)");
  return { ...(wg ? { wg } : {}), rest, errors };
}
