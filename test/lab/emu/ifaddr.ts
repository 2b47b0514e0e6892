/** TEST DOUBLE helpers — address parsing/printing for the emulated ifconfig (ip-num does the arithmetic). */
import { IPv4, IPv4CidrRange, IPv4Mask, IPv4Prefix, IPv6, Validator } from "ip-num";

export function isV4(s: string): boolean {
  return Validator.isValidIPv4String(s)[0];
}

export function isV6(s: string): boolean {
  return Validator.isValidIPv6String(s.split("%")[0]!)[0];
}

/** Canonical (RFC 5952) text of an IPv6 address. */
export function canon6(s: string): string {
  const full = IPv6.fromString(s.split("%")[0]!).toString();
  return new URL(`http://[${full}]/`).hostname.slice(1, -1);
}

/** Canonical text of an IPv4 address. */
export function canon4(s: string): string {
  return IPv4.fromString(s).toString();
}

/** Parse a netmask given as dotted quad, hex (`0xffffff00`) or a prefix length; undefined when invalid. */
export function parseNetmask(s: string): number | undefined {
  try {
    if (/^0x[0-9a-f]{1,8}$/i.test(s)) {
      const n = Number.parseInt(s.slice(2), 16);
      const len = 32 - Math.log2((~n >>> 0) + 1);
      return Number.isInteger(len) ? len : undefined;
    }
    if (/^\d{1,2}$/.test(s) && Number(s) <= 32) return Number(s);
    return Number(IPv4Mask.fromDecimalDottedString(s).prefix);
  } catch {
    return undefined;
  }
}

/** `0xffffff00` for a prefix length, as ifconfig prints it (`%x`). */
export function hexMask(len: number): string {
  return "0x" + IPv4Prefix.fromNumber(BigInt(len)).toMask().value.toString(16);
}

/** Directed broadcast of `addr/len`. */
export function broadcast(addr: string, len: number): string {
  return IPv4CidrRange.fromCidr(`${addr}/${len}`).getLast().toString();
}

/** The kernel's classful default netmask for an inet address configured without one. */
export function classfulLen(addr: string): number {
  const first = Number(addr.split(".")[0]);
  return first < 128 ? 8 : first < 192 ? 16 : 24;
}

/** Whether two inet addresses share the network `a/len`. */
export function sameNet4(a: string, len: number, b: string): boolean {
  return IPv4CidrRange.fromCidr(`${a}/${len}`).contains(IPv4CidrRange.fromCidr(`${b}/32`));
}
