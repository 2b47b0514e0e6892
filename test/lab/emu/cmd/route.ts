/**
 * TEST DOUBLE — OpenBSD route(8), the subset hostname.if `!route …` lines and /etc/mygate use, emulated for the
 * pulumi-openbsd lab: `route [-nq] add|change|delete [-net|-host] [-inet|-inet6] DEST [-netmask MASK] [GATEWAY]`.
 * The route is made for real in the gateway's namespace (`ip route`); the output is route(8)'s
 * (`add net 10.2.0.0/24: gateway 10.255.0.2`).
 */
import type { Command } from "../command";
import { isV4, isV6, parseNetmask } from "../ifaddr";
import { ip, linuxEnabled } from "../linux";
import { spawnSync } from "node:child_process";

/** The Linux device holding local address `a` in this namespace, if any. */
function deviceOf(a: string): string | undefined {
  if (!linuxEnabled()) return undefined;
  const r = spawnSync("ip", ["-j", "addr", "show"], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const links = JSON.parse(r.stdout || "[]") as { ifname: string; addr_info?: { local: string }[] }[];
  return links.find((l) => (l.addr_info ?? []).some((x) => x.local === a))?.ifname;
}

const USAGE = "usage: route [-dnqtv] [-T rtable] command [[modifiers] args]\n";

const route: Command = async (io) => {
  const argv = [...io.argv];
  let quiet = false;
  while (argv[0]?.startsWith("-") && argv[0].length > 1 && !/^-(net|host|inet6?|netmask)$/.test(argv[0])) {
    const o = argv.shift()!;
    if (o.includes("q")) quiet = true;
    if (o === "-T") argv.shift();
  }
  const verb = argv.shift();
  if (verb !== "add" && verb !== "change" && verb !== "delete") {
    if (verb === "show" || verb === "-n") return 0;
    io.err(USAGE);
    return 1;
  }
  let kind: "net" | "host" | undefined;
  let v6 = false;
  let mask: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w === "-net") kind = "net";
    else if (w === "-host") kind = "host";
    else if (w === "-inet6") v6 = true;
    else if (w === "-inet") v6 = false;
    else if (w === "-netmask" || w === "-prefixlen") mask = argv[++i];
    else if (w.startsWith("-")) { /* -blackhole, -iface, …: accepted, ignored */ } else rest.push(w);
  }
  const [destText, gw] = rest;
  if (!destText) { io.err(USAGE); return 1; }
  let dest = destText;
  if (dest !== "default") {
    const [a, len] = dest.split("/");
    if (!a || !(isV4(a) || isV6(a))) { io.err(`route: ${destText}: bad address\n`); return 1; }
    v6 ||= isV6(a);
    const l = len ?? (mask !== undefined ? (v6 ? mask : String(parseNetmask(mask) ?? "")) : kind === "net" ? undefined : v6 ? "128" : "32");
    dest = l === undefined ? a : `${a}/${l}`;
  }
  const word = dest === "default" ? "net" : dest.endsWith(v6 ? "/128" : "/32") && kind !== "net" ? "host" : "net";
  const shown = dest.replace(v6 ? /\/128$/ : /\/32$/, "");
  // a gateway that is one of this host's own addresses makes an interface route, as on OpenBSD (tinc-up's
  // `route add NET OWN-ADDRESS` on a tun); Linux refuses such a `via`
  const dev = gw ? deviceOf(gw) : undefined;
  const ipArgs = [...(v6 ? ["-6"] : []), "route", verb === "add" ? "add" : verb === "change" ? "replace" : "del", dest, ...(dev ? ["dev", dev] : gw ? ["via", gw] : [])];
  const e = ip(...ipArgs);
  if (e) {
    const why = /exists/i.test(e) ? "File exists" : /No such process|not found/i.test(e) ? "No such process" : "Network is unreachable";
    // route.c newroute(): the failure is printed with printf (stdout), and only without -q
    if (!quiet) io.out(`${verb} ${word} ${shown}${gw ? `: gateway ${gw}` : ""}: ${why}\n`);
    return 1;
  }
  if (!quiet) io.out(`${verb} ${word} ${shown}${gw ? `: gateway ${gw}` : ""}\n`);
  return 0;
};

export default route;
