/**
 * TEST DOUBLE helper — the pure printers that reproduce OpenBSD's own `-n` output (written by other
 * engineers: ipsecctl-nv.ts, pfctl-nv.ts, iked-n.ts, sasyncd-n.ts), behind one seam so that the command
 * front-ends (cmd/pfctl.ts, cmd/ipsecctl.ts, …) reuse them instead of duplicating them.
 */
import { ipsecctlNv, type IpsecctlNvOptions } from "./ipsecctl-nv";
import { pfctlNv } from "./pfctl-nv";
import type { PfIfView } from "./pf-kernel";

/** What each printer returns: OpenBSD's stdout, stderr and exit status for the same input. */
export interface PrinterResult {
  stdout: string;
  stderr: string;
  rc: number;
}

/** `ipsecctl -n[v] -f FILE`. */
export type IpsecctlNv = (text: string, file: string, opts?: IpsecctlNvOptions) => PrinterResult;
/** `pfctl [-o none] -n[v] -f FILE`. */
export type PfctlNv = (text: string, file: string, opts: { optimize: boolean; interfaces: PfIfView[]; verbose?: boolean }) => PrinterResult;

export const loadIpsecctlNv = async (): Promise<IpsecctlNv> => ipsecctlNv;
export const loadPfctlNv = async (): Promise<PfctlNv> => pfctlNv;
