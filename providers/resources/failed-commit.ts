/**
 * What the error of a failed commit adds about the other gateways: the ends of its tunnels, committed separately, and
 * a CARP pair's master, committed after its backup.
 */
import type { HostState } from "../../sdk/state";
import { carpBackupInterfaces } from "../gateway/carp-role";

/** The IPsec peers of a state (the other ends of its tunnels), as the planner listed them (`ipsecKernel.peers`). */
export function peersOf(s: HostState): string[] {
  return s.ipsecKernel?.peers ?? [];
}

/**
 * Decision (issue 11, "one end of a tunnel failing"): each gateway is its own resource and its own
 * commit (ARCHITECTURE.md D2), so the ends of a tunnel are not staged and validated together before either
 * swaps: that would need a two-phase commit across resources the engine runs independently, holding one
 * gateway's lock while waiting on another's, and a lost connection in between would leave both locked.
 * Instead each end fails alone and safely (its own host back on its OLD configuration, which the error
 * says), every cross-end check that can be done runs at preview (D4: mirrored selectors, PSK, proposal),
 * and the error names the peers, which may already be on their NEW configuration: the tunnel between
 * them is down until the next `pulumi up`, which retries only the failed end (the engine keeps its old
 * state) and so converges.
 */
function peersSentence(s: HostState): string | undefined {
  const peers = peersOf(s);
  if (!peers.length) return undefined;
  return (
    `The other ends of this gateway's tunnels (peer ${peers.join(", ")}) are committed separately and may already be on their NEW configuration; ` +
    "the tunnels to them stay down until the next `pulumi up` retries this gateway and converges."
  );
}

/**
 * A CARP pair's backup is committed before its master (the master's GatewayConfig depends on it, ARCHITECTURE.md
 * H5), so when the backup's commit fails the engine never starts the master's: the error says so, or the user is
 * left to wonder what the master, whose row shows nothing, is running.
 */
function carpMasterSentence(s: HostState): string | undefined {
  const backupOf = carpBackupInterfaces(s);
  if (!backupOf.length) return undefined;
  return (
    `This gateway is the backup of a CARP pair (${backupOf.join(", ")}); the pair's master is committed after it, so the master was not changed ` +
    "either: it stays on its OLD configuration and keeps the shared addresses. The next `pulumi up` commits the backup, then the master."
  );
}

/** Rethrows a failed commit's error with what it means for the other gateways (one line each, when it applies). */
export function failedCommit(e: unknown, s: HostState): never {
  if (e instanceof Error) for (const line of [peersSentence(s), carpMasterSentence(s)]) if (line) e.message += `\n${line}`;
  throw e;
}
