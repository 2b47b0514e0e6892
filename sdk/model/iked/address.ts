/**
 * Address literals as iked handles them (host_ip(): numeric only, optional `/len`, host bits kept): the
 * shared address model's written form (model/address/written.ts) under iked's names.
 */
export { formatIPv6 } from "../address/parse";
export { canonicalWritten as canonicalHost, parseWrittenAddress as parseAddr, type WrittenAddress as IkedAddr } from "../address/written";
