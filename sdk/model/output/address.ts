/**
 * Addresses and prefixes as OpenBSD tools print them: the shared address model's literal rules
 * (model/address), kept as ip-num objects for the readers' range arithmetic.
 */
import { IPv4, IPv4CidrRange, IPv4Mask, IPv6, IPv6CidrRange } from "ip-num";
import { isIPv4Literal, isIPv6Literal } from "../address/index";

/** An IPv4 or IPv6 host address as printed by ifconfig/ipsecctl. */
export type IpAddress =
  | {
      /** `inet`: IPv4. */
      family: "inet";
      /** The address. */
      address: IPv4;
    }
  | {
      /** `inet6`: IPv6. */
      family: "inet6";
      /** The address, without any `%scope` suffix. */
      address: IPv6;
      /** The KAME scope suffix (`fe80::1%em0` → `em0`), when printed. */
      scope?: string;
    };

/** A network: address and prefix length (a bare host is /32 or /128, `any` is `0.0.0.0/0` or `::/0`). */
export type IpPrefix =
  | {
      /** `inet`: IPv4. */
      family: "inet";
      /** The network as ip-num range; `range.getPrefix()` holds the length. */
      range: IPv4CidrRange;
    }
  | {
      /** `inet6`: IPv6. */
      family: "inet6";
      /** The network as ip-num range. */
      range: IPv6CidrRange;
    };

/** Parses `192.0.2.1`, `2001:db8::1` or `fe80::1%em0`; undefined when it is not an address. */
export function parseAddress(text: string): IpAddress | undefined {
  try {
    if (isIPv4Literal(text)) return { family: "inet", address: IPv4.fromString(text) };
    const pct = text.indexOf("%");
    const bare = pct >= 0 ? text.slice(0, pct) : text;
    const scope = pct >= 0 ? text.slice(pct + 1) : undefined;
    if (scope !== undefined && !/^[A-Za-z0-9_.]+$/.test(scope)) return undefined;
    if (isIPv6Literal(bare)) return scope === undefined ? { family: "inet6", address: IPv6.fromString(bare) } : { family: "inet6", address: IPv6.fromString(bare), scope };
  } catch {
    return undefined;
  }
  return undefined;
}

/** Parses `10.1.0.0/24`, `::/0` or a bare host (taken as /32 or /128); undefined when invalid. */
export function parsePrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf("/");
  const addr = slash >= 0 ? text.slice(0, slash) : text;
  const len = slash >= 0 ? text.slice(slash + 1) : undefined;
  if (len !== undefined && !/^[0-9]{1,3}$/.test(len)) return undefined;
  try {
    if (isIPv4Literal(addr)) {
      const bits = len === undefined ? 32 : Number(len);
      if (bits > 32) return undefined;
      return { family: "inet", range: IPv4CidrRange.fromCidr(`${addr}/${bits}`) };
    }
    if (isIPv6Literal(addr)) {
      const bits = len === undefined ? 128 : Number(len);
      if (bits > 128) return undefined;
      return { family: "inet6", range: IPv6CidrRange.fromCidr(`${addr}/${bits}`) };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Converts ifconfig's hex netmask (`0xffffff00`) to a prefix length (24); undefined when it is not a
 * contiguous IPv4 mask.
 */
export function hexNetmaskToPrefix(text: string): number | undefined {
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(text)) return undefined;
  try {
    return new IPv4Mask(IPv4.fromNumber(Number.parseInt(text.slice(2), 16)).toString()).prefix;
  } catch {
    return undefined;
  }
}

/** The address as text (IPv4 dotted; IPv6 in ip-num's expanded form); for messages and comparisons. */
export function addressText(a: IpAddress): string {
  return a.address.toString();
}
