/**
 * How ipsecctl's host() reads an address as written (parse.y host_v4, host_v6): the canonical text of forms
 * inet_net_pton and getaddrinfo accept beyond canonical literals, and an address with its host bits masked.
 */
import { readDottedQuad, readHexNetwork } from "../address/dotted";
import { formatAddress, parseIp } from "./address";

/** The network of an address written with host bits set (`10.1.0.5/24` → `10.1.0.0/24`). */
export function maskedText(text: string): string {
  const ip = parseIp(text);
  return ip && "value" in ip ? formatAddress(ip.value) : text;
}

/**
 * What host_v4()/host_v6() read beyond canonical literals, as canonical text: dotted quads with leading zeros
 * (inet_pton and inet_net_pton read each part in decimal: `010.1.0.1` is 10.1.0.1, `1.2.3.0256` nothing) and
 * scoped IPv6 addresses (`fe80::1%em0`: getaddrinfo keeps the scope apart, flows print the address alone).
 * Undefined when `text` is neither (or a dotted quad out of range: then no address parses).
 */
export function hostV4V6(text: string): string | undefined {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const mask = slash < 0 ? "" : text.slice(slash);
  // inet_net_pton (with a mask): one to four decimal parts, the missing ones zero (`10.1/16`, `103.0.0/24`)
  const parts = addr.split(".");
  const padded = slash >= 0 && parts.length < 4 && parts.every((p) => /^\d+$/.test(p)) ? [...parts, "0", "0", "0"].slice(0, 4).join(".") : addr;
  const q = readDottedQuad(padded, "inet_pton");
  if (typeof q === "string") return q + mask;
  // inet_net_pton (with a mask): a hexadecimal network (`0x0a01/16`)
  const hex = slash >= 0 ? readHexNetwork(addr) : undefined;
  if (hex !== undefined) return hex + mask;
  const pct = addr.indexOf("%");
  if (pct > 0 && addr.includes(":") && /^[A-Za-z0-9_.]+$/.test(addr.slice(pct + 1))) return addr.slice(0, pct) + mask;
  return undefined;
}
