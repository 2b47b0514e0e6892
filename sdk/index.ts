/**
 * pulumi-openbsd: infrastructure as code for OpenBSD VPN gateways on the Pulumi engine.
 *
 * ```ts
 * import * as openbsd from "pulumi-openbsd";
 * const gw1 = new openbsd.Gateway("gw1", { connection, external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
 * new openbsd.SiteToSiteTunnel("net1-net2", { left: gw1, right: gw2, psk: cfg.requireSecret("psk") });
 * ```
 */
export * from "./components/index";
export { GatewayConfig, type GatewayConfigArgs, type ConnectionArgs } from "./resources/gateway-config";
export { LocalFile, type LocalFileArgs } from "./resources/local-file";
export type { HostState, ManagedFile, ServiceState, AnchorState, FileCheck } from "./state";
export { ModelError, type Diagnostic, type ParseResult, formatDiagnostic } from "./model/diagnostics";
/** The planner (pure): topology → HostState per gateway, with every check that needs both ends. */
export * as planner from "./planner/index";
/** ipsec.conf(5). */
export * as ipsec from "./model/ipsec/index";
/** iked.conf(5). */
export * as iked from "./model/iked/index";
/** pf.conf(5): types, parser, renderer. */
export * as pf from "./model/pf/index";
/** hostname.if(5). */
export * as hostnameif from "./model/hostnameif/index";
/** sasyncd.conf(5). */
export * as sasyncd from "./model/sasyncd/index";
/** /etc/sysctl.conf. */
export * as sysctl from "./model/sysctl/index";
/** /etc/rc.conf.local and rcctl semantics. */
export * as rcconf from "./model/rcconf/index";
/** Parsers of command output (ifconfig, ipsecctl -s, rcctl, sysctl). */
export * as output from "./model/output/index";
