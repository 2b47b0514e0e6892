/**
 * The declaration-time checks every two-gateway tunnel component shares (WireGuardTunnel, OpenVpnTunnel,
 * SshTunnel): one rule, so each reports a missing end, a non-Gateway, a bad interface or a missing inner
 * address with the same words.
 */
import type * as pulumi from "@pulumi/pulumi";
import { interfaceOf } from "../model/tokens/index";
import { argError } from "./common";
import { need, take, notANode } from "./check";
import { Gateway } from "./gateway";

/** What every end of a two-gateway tunnel has. */
export interface TunnelEndShape {
  gateway: Gateway;
  interface?: string;
  inner: pulumi.Input<string>;
}

/**
 * Checks `args` is an object holding both ends `sides`, each `{ gateway, inner }` with a Gateway, an
 * optional interface of kind `ifKind` (`wg`, `tun`) and an inner address (`innerExample` in the fix).
 * `names`: how the user wrote the two ends, when a component declared the tunnel for them (`members[2]`);
 * `more` gets that name too.
 */
export function checkEnds<S extends string, A extends Record<S, TunnelEndShape>>(label: string, args: A, sides: readonly [S, S], ifKind: string, innerExample: string, more: (e: A[S], field: string) => void = () => {}, names: readonly [string, string] = sides): void {
  if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", `pass \`{ ${names[0]}, ${names[1]} }\``);
  sides.forEach((side, i) => {
    const f = names[i]!;
    const e = (args as Partial<A>)[side] as A[S] | undefined;
    need(label, f, e, "give `{ gateway, inner }`");
    if (!(e!.gateway instanceof Gateway)) throw argError(label, `${f}.gateway`, notANode(e!.gateway), "not a Gateway", "pass a Gateway declared in this program");
    if (e!.interface !== undefined) take(label, `${f}.interface`, e!.interface, interfaceOf(ifKind));
    need(label, `${f}.inner`, e!.inner, `give the inner address, e.g. \`${innerExample}\``);
    more(e!, f);
  });
  sameGateway(label, names, (args as Record<S, TunnelEndShape>)[sides[0]].gateway, (args as Record<S, TunnelEndShape>)[sides[1]].gateway);
}

/** Refuses a link whose two ends are one gateway (every file of the link would be written twice to one host). */
export function sameGateway(label: string, sides: readonly [string, string], a: Gateway, b: Gateway): void {
  if (a === b) throw argError(label, `${sides[0]}.gateway, ${sides[1]}.gateway`, a.gatewayName, "both ends are the same gateway", "connect two different gateways");
}
