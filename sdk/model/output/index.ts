/**
 * Parsers of OpenBSD command output, exactly as the tools print it (reference/openbsd.md part B).
 * Pure: they take text and return typed values plus diagnostics; they never throw on bad input.
 */
/** Addresses as the tools print them: the shared address model (model/address). */
export { netmaskPrefix, parseScopedIp, type ScopedIp } from "../address/index";
export * from "./ifconfig";
export * from "./ipsecctl";
export * from "./rcctl";
export * from "./sysctl";
/** `pfctl -sr` / `pfctl -a ANCHOR -sr` (reference B.4) lives with the pf language; re-exported here. */
export { parsePfctlSr } from "../pf";
