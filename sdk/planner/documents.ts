/** A gateway's typed documents, built once its accumulator holds every contribution. */
import type { Acc } from "./acc";
import type { GatewayDocs } from "./docs";
import { packageList } from "./packages";
import { pfDocuments } from "./pf-rules";

export function gatewayDocuments(acc: Acc): GatewayDocs {
  const daemon: GatewayDocs["daemon"] = acc.daemons.has("iked") ? "iked" : acc.daemons.has("isakmpd") ? "isakmpd" : "none";
  const { pf, anchors } = pfDocuments(acc);
  return {
    name: acc.gw.name,
    ...(acc.ipsec.length > 0 ? { ipsec: { statements: acc.ipsec } } : {}),
    ...(acc.iked.length > 0 ? { iked: { macros: [], settings: [], users: [], policies: acc.iked } } : {}),
    daemon,
    pf,
    anchors,
    hostnames: Object.fromEntries(acc.hostnames),
    ...(acc.sasyncd ? { sasyncd: acc.sasyncd } : {}),
    sysctls: Object.fromEntries(acc.sysctls),
    services: Object.fromEntries(acc.services),
    rawFiles: Object.fromEntries(acc.rawFiles),
    packages: packageList(acc),
  };
}
