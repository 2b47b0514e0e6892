/**
 * Address literals as iked handles them (host_ip(): getaddrinfo AI_NUMERICHOST, optional `/len`, host bits
 * kept): the shared address model's written form (model/address/written.ts) under iked's names, with what
 * getaddrinfo reads beyond canonical literals — dotted quads with leading zeros the inet_aton way
 * (`010.1.0.1` is 8.1.0.1) and scoped IPv6 addresses (`fe80::1%em0`, printed with their scope).
 */
import { canonicalWritten, parseWrittenAddress, type WrittenAddress, type WrittenAddressRules } from "../address/written";

export { formatIPv6 } from "../address/parse";
export type { WrittenAddress as IkedAddr } from "../address/written";

/** What iked's host_ip() reads. */
const IKED: WrittenAddressRules = { dottedQuad: "inet_aton", scoped: true };

/** Parses `ADDR` or `ADDR/LEN` as iked's host_ip() does; undefined when it is not a numeric address. */
export function parseAddr(s: string): WrittenAddress | undefined {
  return parseWrittenAddress(s, IKED);
}

/** Canonical spelling of a host word as iked prints it: numeric addresses normalised, anything else unchanged. */
export function canonicalHost(s: string): string {
  return canonicalWritten(s, IKED);
}
