/**
 * Running wg(4) state against /etc/hostname.wgN: what `ifconfig wgN` prints (wg_status in
 * sbin/ifconfig/ifconfig.c: `wgport N`, `wgpubkey K`, per peer `wgpeer K`, `wgendpoint H P`, `wgaip P`)
 * compared with the file's settings, so a peer removed or changed by hand (`ifconfig wg0 -wgpeer K`)
 * is found on refresh like a missing address. The private key is never printed by ifconfig; the public
 * key it prints is compared with the file's through `publicKeyOf`.
 */
import { parseHostnameIf } from "../hostnameif/index";
import { parseWg } from "./index";

/** The wg settings `ifconfig wgN` shows, as comparable lines (peers sorted). */
function liveLines(ifconfigText: string): string[] | undefined {
  const out: string[] = [];
  const peers: string[][] = [];
  let peer: string[] | undefined;
  for (const raw of ifconfigText.split("\n")) {
    const m = /^\t(\t?)(wgport|wgpubkey|wgpeer|wgendpoint|wgaip|wgpka) (.*)$/.exec(raw);
    if (!m) continue;
    const [, inPeer, k, v] = m;
    if (k === "wgpeer") peers.push((peer = [`wgpeer ${v}`]));
    else if (inPeer && peer) peer.push(k === "wgpka" ? `wgpka ${v!.replace(/ \(sec\)$/, "")}` : `${k} ${v}`);
    else if (!inPeer) out.push(`${k} ${v}`);
  }
  if (!out.length && !peers.length) return undefined;
  return [...out.sort(), ...peers.map((p) => [p[0]!, ...p.slice(1).sort()].join(" ")).sort()];
}

/**
 * Whether the running wg interface matches its hostname file (undefined when the file holds no wg
 * settings). `publicKeyOf` turns the file's private key into the public key ifconfig prints.
 */
export function wgRunningMatches(fileText: string, ifconfigText: string, publicKeyOf: (privateKey: string) => string): boolean | undefined {
  const w = parseWg(parseHostnameIf(fileText, "hostname.wg").value.lines).wg;
  if (!w) return undefined;
  const want: string[] = [];
  if (w.port !== undefined) want.push(`wgport ${w.port}`);
  try {
    want.push(`wgpubkey ${publicKeyOf(w.privateKey)}`);
  } catch {
    return false;
  }
  want.sort();
  const peers = w.peers.map((p) => {
    const a = [...(p.keepalive ? [`wgpka ${p.keepalive}`] : []), ...(p.endpoint ? [`wgendpoint ${p.endpoint.host} ${p.endpoint.port}`] : []), ...p.allowedIps.map((x) => `wgaip ${x}`)];
    return [`wgpeer ${p.publicKey}`, ...a.sort()].join(" ");
  });
  const live = liveLines(ifconfigText) ?? [];
  return JSON.stringify([...want, ...peers.sort()]) === JSON.stringify(live);
}
