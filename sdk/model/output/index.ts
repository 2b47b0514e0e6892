/**
 * Parsers of OpenBSD command output, exactly as the tools print it (reference/openbsd.md part B).
 * Pure: they take text and return typed values plus diagnostics; they never throw on bad input.
 */
export * from "./address";
export * from "./ifconfig";
export * from "./ipsecctl";
export * from "./rcctl";
export * from "./sysctl";
