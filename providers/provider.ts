/**
 * The pulumi-openbsd provider: dispatches each RPC to the resource type named in the URN.
 */
import type { ResourceProvider } from "./resources/types";
import { localFile } from "./resources/local-file";
import { gatewayConfig } from "./resources/gateway-config";
import { withUrn } from "./engine-log";

/** Provider version reported to the engine (GetPluginInfo). */
export const PROVIDER_VERSION = "0.1.0";

/** Resource type token → implementation. */
export const resourceTypes: Record<string, ResourceProvider> = {
  "openbsd:index:LocalFile": localFile,
  "openbsd:index:GatewayConfig": gatewayConfig,
};

/** `urn:pulumi:stack::project::parent$openbsd:index:X::name` → `openbsd:index:X`. */
export function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** The implementation of the URN's type, each operation run with the URN as the subject of its warnings (engine-log.ts). */
export function resourceFor(urn: string): ResourceProvider {
  const t = typeOfUrn(urn);
  const r = resourceTypes[t];
  if (!r) throw new Error(`pulumi-resource-openbsd: unknown resource type ${t}; known: ${Object.keys(resourceTypes).join(", ")}`);
  const scoped = <A extends unknown[], R>(f: ((...a: A) => Promise<R>) | undefined) => f && ((...a: A) => withUrn(urn, () => f(...a)));
  return { check: scoped(r.check), diff: scoped(r.diff), create: scoped(r.create)!, read: scoped(r.read), update: scoped(r.update), delete: scoped(r.delete) };
}
