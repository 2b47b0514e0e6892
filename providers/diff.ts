/**
 * Detailed diffs. `@pulumi/pulumi`'s `provider.main` (3.248.0 … 3.276.0) drops everything but `changes` and
 * `replaces` from a DiffResult; providers/sdk-compat.ts (used by main.ts) restores the
 * engine's per-property view (`files["/etc/ipsec.conf"]`, `sysctls["net.inet.ip.forwarding"]`).
 */
export type PropertyDiffKind = "add" | "add-replace" | "delete" | "delete-replace" | "update" | "update-replace";

export interface DetailedDiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
  /** Property path (engine syntax) → kind. */
  detailedDiff?: Record<string, { kind: PropertyDiffKind; inputDiff?: boolean }>;
}
