/**
 * The OpenBSD configuration languages as typed values with renderers and parsers, and parsers of
 * command output. Pure: no I/O, no clock, no network. `import { ipsec, pf } from "pulumi-openbsd/model"`.
 */
export * from "./diagnostics";
export * as ipsec from "./ipsec";
export * as iked from "./iked";
export * as pf from "./pf";
export * as hostnameif from "./hostnameif";
export * as sasyncd from "./sasyncd";
export * as sysctl from "./sysctl";
export * as rcconf from "./rcconf";
export * as output from "./output";
export * as openvpn from "./openvpn";
export * as tinc from "./tinc";
