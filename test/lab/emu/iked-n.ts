/**
 * TEST DOUBLE: the lab's `iked -n [-v] -f FILE`, reproducing iked's own output (parse.y 1.149,
 * print.c print_policy, iked.c main) byte for byte for the cases in golden/iked. iked writes everything to
 * stderr: each policy (with every default filled in, the PSK in hex) when verbose, errors as
 * `FILE: LINE: message`, fatal errors as `parent: message`, and `configuration OK` on success.
 * Host names and interface names are not resolved (there is no DNS here): they fail like an unknown name.
 */
import { hostIf, type HostIfInterface } from "./ipsec-hostif";
import { expandIkedPolicy, parseIkedConfDetailed, protocolName, type IkedExpandedPolicy, type IkedPolicy, type IkedResolvedAddr } from "../../../sdk/model/iked";

const addr = (a: IkedResolvedAddr): string => (a.af !== undefined && a.net ? `${a.text}/${a.mask}` : a.text);

function pskHex(value: string): string {
  if (value.startsWith("0x")) {
    const hex = value.slice(2).toLowerCase();
    return hex.slice(0, hex.length - (hex.length % 2));
  }
  return Buffer.from(value, "utf8").toString("hex");
}

/** print_policy(): one line. */
export function printIkedPolicy(x: IkedExpandedPolicy): string {
  const p = x.policy;
  const o: string[] = ["ikev2", `"${x.name}"`];
  if (p.match) o.push(p.match === "default" ? "default" : p.match);
  o.push(p.mode === "active" ? "active" : "passive");
  if (p.ipcomp) o.push("ipcomp");
  o.push(p.encapsulation);
  if (p.natt) o.push("natt");
  o.push(p.saProto);
  if (p.proto?.length) o.push(`proto { ${p.proto.map((n) => (typeof n === "number" ? protocolName(n) : n)).join(", ")} }`);
  if (x.af) o.push(x.af);
  if (p.rdomain !== undefined) o.push(`rdomain ${p.rdomain}`);
  for (const f of x.flows) {
    o.push(`from ${addr(f.src)}${f.src.port ? ` port ${f.src.port}` : ""}`);
    o.push(`to ${addr(f.dst)}${f.dst.port ? ` port ${f.dst.port}` : ""}`);
  }
  if (p.match !== "default") o.push(`local ${addr(x.local)}`, `peer ${addr(x.peer)}`);
  for (const pr of x.proposals) {
    o.push(pr.sa);
    for (const e of pr.enc) o.push(`enc ${e}`);
    for (const e of pr.prf) o.push(`prf ${e}`);
    for (const e of pr.auth) o.push(`auth ${e}`);
    for (const e of pr.group) o.push(`group ${e}`);
    for (const e of pr.esn) o.push(e);
  }
  if (p.srcid) o.push(`srcid ${p.srcid}`);
  if (p.dstid) o.push(`dstid ${p.dstid}`);
  // iked keeps ikelifetime in 32 bits and the lifetime's seconds and bytes in 64, unsigned (print_policy's %u, %llu):
  // a negative number as written comes out as its two's complement (`lifetime -1` is 18446744073709551615)
  const unsigned = (n: number, bits: number) => BigInt.asUintN(bits, BigInt(Math.trunc(n))).toString();
  if (p.ikelifetime) o.push(`ikelifetime ${unsigned(p.ikelifetime, 32)}`);
  o.push(`lifetime ${unsigned(x.lifetime.seconds, 64)} bytes ${unsigned(x.lifetime.bytes, 64)}`);
  const a = p.auth;
  if (!a) o.push("signature");
  else
    switch (a.kind) {
      case "psk":
        o.push(`psk 0x${pskHex(a.value)}`);
        break;
      case "psk-file":
        o.push("psk 0x");
        break;
      case "method":
        o.push(a.method);
        break;
      case "eap":
        o.push(`eap "${a.method === "radius" ? "RADIUS" : "MSCHAP_V2"}"`);
        break;
    }
  // print.c print_policy: print_addr() of the address, without its prefix length
  for (const c of p.config ?? []) o.push(`${c.action} ${c.option} ${c.address.replace(/\/\d+$/, "")}`);
  if (p.iface) o.push(`iface ${p.iface}`);
  if (p.tag) o.push(`tag "${p.tag}"`);
  // print.c: the unit strtonum() read, and nothing for enc0 (pol_tap 0 is no tap)
  const unit = p.tap === undefined ? 0 : Number(p.tap.slice(3));
  if (unit !== 0) o.push(`tap "enc${unit}"`);
  return `${o.join(" ")}\n`;
}

/** An interface as iked's host_if() sees it (the same parse.y code as ipsecctl's: ipsec-hostif.ts). */
export type IkedHostInterface = HostIfInterface;

/**
 * parse.y host_if(): an interface (or group) name stands for the interface's addresses (link-local IPv6
 * skipped); undefined when `name` is no interface. The first address is used: the double keeps one address
 * per written host.
 */
function interfaceAddress(name: string, ifs: readonly IkedHostInterface[]): string | undefined {
  const a = hostIf(name, ifs)?.[0];
  return a?.kind === "ip" ? a.address : undefined;
}

/**
 * A `config`/`request` item as create_ike() adds it: an interface or group (host_if; the mask written after it
 * ignored) stands for its addresses, each an item of its own (the wrap's list is chained into the policy's), and
 * only the first carries the option and the action: the others print as `request unknown ADDRESS` (type 0, action 0).
 */
function configItems(c: NonNullable<IkedPolicy["config"]>[number], ifs: readonly IkedHostInterface[]): NonNullable<IkedPolicy["config"]> {
  if (c.address === "any") return [c];
  const all = hostIf(c.address.replace(/\/\d+$/, ""), ifs)?.filter((a) => a.kind === "ip").map((a) => (a as { address: string }).address);
  if (!all?.length) return [c];
  return all.map((address, i) => (i === 0 ? { ...c, address } : { action: "request", option: "unknown", address }));
}

/** `iked -n [-v] -f file`: `mode` is the file's permission bits (default 0600). */
export function ikedN(text: string, file: string, opts: { verbose: boolean; mode?: number; interfaces?: readonly IkedHostInterface[] }): { stdout: string; stderr: string; rc: number } {
  const mode = opts.mode ?? 0o600;
  // check_file_secrecy: S_IWGRP | S_IXGRP | S_IRWXO
  if (mode & (0o020 | 0o010 | 0o007)) return { stdout: "", stderr: `iked: ${file}: group writable or world read/writable\n`, rc: 1 };
  // no DNS in the double: a name is an interface or group of the host, or iked's host() fails on it as it reads it
  const r = parseIkedConfDetailed(text, file, {
    resolves: (name) => interfaceAddress(name, opts.interfaces ?? []) !== undefined,
    firstFamily: (name) => {
      const a = interfaceAddress(name, opts.interfaces ?? []);
      return a === undefined ? undefined : a.includes(":") ? "inet6" : "inet";
    },
  });
  let err = "";
  let errors = 0;
  let rules = 0;
  let seq = 0;
  /** The policies create_ike() refused (their YYERROR keeps byacc quiet about a syntax error right after). */
  const failed = new Set<number>();
  for (const ev of r.events) {
    switch (ev.kind) {
      case "error":
        if (ev.quietAfterPolicy !== undefined && failed.has(ev.quietAfterPolicy)) break;
        err += `${file}: ${ev.line}: ${ev.message}\n`;
        errors++;
        break;
      case "stderr":
        err += `${ev.text}\n`;
        break;
      case "user": {
        const u = r.value.users[ev.index];
        if (opts.verbose) err += `user "${u.name}" "${u.password}"\n`;
        rules++;
        break;
      }
      case "policy": {
        const written = r.value.policies[ev.index];
        const ifs = opts.interfaces ?? [];
        // host_if(): an interface or group stands for its address, the mask written after it ignored
        const resolve = <T extends string | undefined>(h: T): T => {
          if (h === undefined || h === "any" || h === "dynamic") return h;
          const slash = h.indexOf("/");
          const a = interfaceAddress(slash < 0 ? h : h.slice(0, slash), ifs);
          return (a ?? h) as T;
        };
        // create_ike(): the written sources make one list and the destinations another (an interface or group: each of
        // its addresses, link-local skipped), zipped pairwise into flows; local/peer default to a list's only node
        const nodes = (h: string, port: number | string | undefined) => {
          if (h === "any" || h === "dynamic") return [{ h, port }];
          const slash = h.indexOf("/");
          const all = hostIf(slash < 0 ? h : h.slice(0, slash), ifs)?.filter((a) => a.kind === "ip").map((a) => (a as { address: string }).address);
          return (all?.length ? all : [h]).map((a) => ({ h: a, port }));
        };
        const srcs = written.flows.flatMap((f) => nodes(f.from, f.fromPort));
        const dsts = written.flows.flatMap((f) => nodes(f.to, f.toPort));
        const zipped = srcs.slice(0, Math.min(srcs.length, dsts.length)).map((a, i) => {
          const b = dsts[i]!;
          const f: IkedPolicy["flows"][number] = { from: a.h, to: b.h };
          if (a.port !== undefined) f.fromPort = a.port;
          if (b.port !== undefined) f.toPort = b.port;
          return f;
        });
        const p = { ...written, flows: zipped, local: resolve(written.local), peer: resolve(written.peer), ...(written.config ? { config: written.config.flatMap((c) => configItems(c, ifs)) } : {}) };
        // getaddrinfo: a scope names an interface of the host (if_nametoindex) or is an index
        const scopeOk = (h: string) => {
          const m = /%([^/]+)/.exec(h);
          return m === null || /^\d+$/.test(m[1]!) || ifs.some((i) => i.name === m[1]);
        };
        // host(): interface names were resolved above; no DNS in the double, so another name fails in the grammar
        const name = [...p.flows.flatMap((f) => [f.from, f.to]), p.local, p.peer].find((h) => h !== undefined && h !== "any" && h !== "dynamic" && (!/^[0-9a-fA-F:.]+(%[A-Za-z0-9_.]+)?(\/\d+)?$/.test(h) || !scopeOk(h)));
        if (name !== undefined) {
          err += `no IP address found for ${name}\n${file}: ${ev.line}: could not parse host specification\n`;
          errors++;
          failed.add(ev.index);
          break;
        }
        seq++;
        const x = expandIkedPolicy(p, seq, { interfaceExists: (n) => ifs.some((i) => i.name === n), nodes: { src: srcs.length, dst: dsts.length } });
        // a bare ikesa/childsa: iked dies of SIGSEGV in create_ike (what it printed before stays; the shell says 139)
        if (!x.ok && x.crash) return { stdout: "", stderr: err + x.yyerrors.map((m) => `${file}: ${ev.line}: ${m}\n`).join(""), rc: 139 };
        if (!x.ok) {
          for (const m of x.yyerrors) err += `${file}: ${ev.line}: ${m}\n`;
          errors += x.yyerrors.length;
          failed.add(ev.index);
          if (x.fatal) return { stdout: "", stderr: `${err}parent: ${x.fatal}\n`, rc: 1 };
          break;
        }
        // create_ike() warns while it adds the flows, then prints the policy
        if (x.value.duplicates) err += "iked: create_ike: duplicate flow\n".repeat(x.value.duplicates);
        if (opts.verbose) err += printIkedPolicy(x.value);
        rules++;
        break;
      }
    }
  }
  if (!rules) err += `${file}: no valid configuration rules found\n`;
  if (errors) return { stdout: "", stderr: err, rc: 1 };
  return { stdout: "", stderr: `${err}configuration OK\n`, rc: 0 };
}
