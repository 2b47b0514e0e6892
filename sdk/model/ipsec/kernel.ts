/**
 * What the kernel must hold once an ipsec.conf is loaded (ARCHITECTURE.md D3), as typed values: the
 * planner computes it from the typed configuration it renders and hands it to the provider in the
 * gateway's state (sdk/state.ts `HostState.ipsecKernel`), so the provider never parses a rendered file
 * to find what to verify or wait for.
 */
import { formatAddress } from "./address";
import { flowsOfFlowRule, flowsOfIkeRule, kernelFlow, keylessSa, sasOf, type Flow, type Sa } from "./flows";
import type { IpsecConf } from "./types";

/** The kernel entries an ipsec.conf stands for, and the peers it names. */
export interface ExpectedKernel {
  /** Flows `ipsecctl -f` loads for the manual `flow` rules: present right after the load. */
  flows: Flow[];
  /** SAs `ipsecctl -f` loads for the manual SA and tcpmd5 rules, without their keys (never stored in the clear): present right after the load. */
  sas: Sa[];
  /**
   * Flows isakmpd installs once each `ike` rule's phase 2 is up, without the identities (`srcid`/`dstid`,
   * filled in by isakmpd): what the confirm waits for, bounded.
   */
  tunnels: Flow[];
  /** The IPsec peers named by address (`peer ADDR`), sorted: the other ends of this gateway's tunnels. */
  peers: string[];
}

/** The expected kernel entries of a typed ipsec.conf, in the form the kernel keeps ({@link kernelFlow}). */
export function expectedKernel(conf: IpsecConf): ExpectedKernel {
  const flows: Flow[] = [];
  const tunnels: Flow[] = [];
  const peers = new Set<string>();
  for (const s of conf.statements) {
    if ((s.type === "ike" || s.type === "flow") && s.peer?.kind === "ip") peers.add(formatAddress(s.peer));
    if (s.type === "flow") flows.push(...flowsOfFlowRule(s).map(kernelFlow));
    if (s.type === "ike") {
      for (const f of flowsOfIkeRule(s)) {
        const { srcid: _s, dstid: _d, ...rest } = kernelFlow(f);
        tunnels.push(rest);
      }
    }
  }
  return { flows, sas: sasOf(conf).map(keylessSa), tunnels, peers: [...peers].sort() };
}
