/**
 * iked.conf's `radius …` lines (iked parse.y `radius`, OpenBSD 7.6): the checks iked makes of their values, in its
 * words, and the canonical text of each. The parser reads the tokens (parser.ts); this file holds what both the
 * parser and the writer need.
 */
import { isIP } from "node:net";
import { ModelError } from "../diagnostics";
import { portNumber } from "./parser-base";
import type { IkedRadius } from "./types";

/** RADIUS attributes fill these IKE configuration options (parse.y: cpxfs without protected-subnet), per family. */
const RADIUS_CONFIG_OPTIONS: Record<"inet" | "inet6", readonly string[]> = {
  inet: ["address", "netmask", "name-server", "netbios-server", "dhcp-server", "access-server"],
  inet6: ["address", "name-server", "netbios-server", "dhcp-server", "access-server"],
};
/** cpxfs's rows of a family, in its order, protected-subnet included (parse_xf takes the first whose name starts with the word). */
const CPXFS: Record<"inet" | "inet6", readonly string[]> = {
  inet: ["address", "netmask", "name-server", "netbios-server", "dhcp-server", "protected-subnet", "access-server"],
  inet6: ["address", "name-server", "netbios-server", "dhcp-server", "protected-subnet", "access-server"],
};

/**
 * `radius config`'s option as parse_xf(WORD, af, cpxfs) finds it: `none`, or the first option of the family whose
 * name starts with the word (`net` is netmask); undefined when there is none, or it is protected-subnet (iked:
 * `not a valid ikecfg option`).
 */
export function radiusConfigOption(word: string, af: "inet" | "inet6" = "inet"): string | undefined {
  if (word === "none") return "none";
  const row = CPXFS[af].find((name) => name.startsWith(word));
  return row === "protected-subnet" ? undefined : row;
}

/** The options `radius config` takes for a family (for a message). */
export function radiusConfigOptions(af: "inet" | "inet6" = "inet"): string {
  return ["none", ...RADIUS_CONFIG_OPTIONS[af]].join(", ");
}

/**
 * parse.y hexdecnumber of a word: `0x` and hex digits (strtoumax; all of 64 bits is out of range), else strtonum
 * with a maximum of UINT64_MAX, which as a long long is -1: every other word is `invalid`. A value, or iked's error.
 */
export function hexdecWord(word: string): bigint | string {
  if (/^0x[0-9a-fA-F]/.test(word)) {
    if (!/^0x[0-9a-fA-F]+$/.test(word)) return `\`${word}' is not a number`;
    const n = BigInt(word);
    return n >= 0xffffffffffffffffn ? `\`${word}' is out-of-range` : n;
  }
  return `\`${word}' is invalid`;
}

/** getaddrinfo(AI_NUMERICHOST): an IPv4 or IPv6 address (a scope allowed), never a name. iked's error otherwise. */
export function numericHostProblem(address: string): string | undefined {
  const bare = address.replace(/%[^%]+$/, "");
  if (isIP(address) !== 0 || (bare !== address && isIP(bare) === 6)) return undefined;
  return `could not parse the address: ${address}: name or service is not known`;
}

/** One `radius` line as iked reads it back; throws a ModelError naming `field`'s part for a value iked refuses. */
export function renderRadius(r: IkedRadius, field: string, quote: (field: string, s: string) => string): string {
  const acct = (x: { accounting?: true }) => (x.accounting ? "accounting " : "");
  const address = (f: string, a: string) => {
    const p = numericHostProblem(a);
    if (p) throw new ModelError(`${field}.${f}`, a, `${p}; iked takes a numeric IPv4 or IPv6 address here`);
    return a;
  };
  const port = (p: number | string | undefined) => {
    if (p === undefined) return "";
    if (typeof p === "number" ? !Number.isInteger(p) || p < 0 || p > 65535 : portNumber(p) === undefined) throw new ModelError(`${field}.port`, p, "a port number 0-65535 or a service name of /etc/services");
    return ` port ${p}`;
  };
  const count = (f: string, n: number, min: number) => {
    if (!Number.isInteger(n) || n < min || n > 0x7fffffff) throw new ModelError(`${field}.${f}`, n, `an integer ${min}-2147483647`);
    return n;
  };
  switch (r.kind) {
    case "server":
      return `radius ${acct(r)}server ${address("address", r.address)}${port(r.port)} secret ${quote(`${field}.secret`, r.secret)}`;
    case "max-tries":
      return `radius ${acct(r)}max-tries ${count("tries", r.tries, 1)}`;
    case "max-failovers":
      return `radius ${acct(r)}max-failovers ${count("failovers", r.failovers, 0)}`;
    case "config": {
      if (r.af !== undefined && r.af !== "inet" && r.af !== "inet6") throw new ModelError(`${field}.af`, r.af, "inet or inet6");
      if (radiusConfigOption(r.option, r.af) !== r.option) throw new ModelError(`${field}.option`, r.option, `not a valid ikecfg option; one of ${radiusConfigOptions(r.af)}`);
      if (r.vendor !== undefined && (!Number.isInteger(r.vendor) || r.vendor < 0 || r.vendor > 0xffffff)) throw new ModelError(`${field}.vendor`, r.vendor, "vendor-id must be in 0-0xffffff");
      if (!Number.isInteger(r.type) || r.type < 0 || r.type > 255) throw new ModelError(`${field}.type`, r.type, "attribute type must be in 0-255");
      return `radius config ${r.af ? `${r.af} ` : ""}${r.option} ${r.vendor ? `0x${r.vendor.toString(16)} ` : ""}${r.type}`;
    }
    case "dae-listen":
      return `radius dae listen on ${address("address", r.address)}${port(r.port)}`;
    case "dae-client":
      return `radius dae client ${address("address", r.address)} secret ${quote(`${field}.secret`, r.secret)}`;
    default:
      throw new ModelError(`${field}.kind`, (r as { kind: unknown }).kind, "one of server, max-tries, max-failovers, config, dae-listen, dae-client");
  }
}
