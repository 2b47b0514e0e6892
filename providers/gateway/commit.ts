/**
 * Runs a commit, a read and a delete against one host (DESIGN.md D2, D3, D6). Two operations on one
 * host never interleave: an in-process mutex per host here, and the on-host `mkdir` lock in the
 * scripts (another provider process, or a rollback timer still pending, holds the host off).
 */
import { randomBytes } from "node:crypto";
import type { HostState } from "../../sdk/state";
import { hostId, log, maskSecrets, SshSession, TransportError, withSession, type SshTarget } from "../transport/ssh";
import { KeyedMutex } from "../transport/semaphore";
import { applyScript, confirmScript, deleteScript, flowWaitSeconds, stageScript, type CommitInput } from "./commit-script";
import { declaredTunnelFlows } from "./ipsec-kernel";
import { flowKeys, parseReadOutput, readScript, type LiveState } from "./read-script";
import { nonce } from "./shell";
import { secretForms } from "../../sdk/planner/secrets";
import { rememberSecrets } from "../redact";

const hostLock = new KeyedMutex();

/**
 * Test-only fault injection: `PULUMI_OPENBSD_FAULT=after-swap` kills the connection right after the
 * swap, before anything is applied; `before-confirm` after the apply, before the confirm. Either way
 * the on-host timer must put the host back on its own.
 */
const FAULT = () => process.env.PULUMI_OPENBSD_FAULT;

/**
 * Values to mask in any error text: the secret values the planner listed for this state
 * (`state.secrets`: PSKs, sharedkey, carp passwords, manual keys, derived private keys) and the SSH
 * private key, each with its line forms. Typed, never scraped out of the rendered files.
 */
export function secretsOf(s: HostState, privateKey?: string): string[] {
  const values = [...(s.secrets ?? []), ...(privateKey ? [privateKey] : [])];
  rememberSecrets(values);
  return values.flatMap(secretForms);
}

/** Turns a failed step (`@@fail CMD` + output on stderr) into an error naming host, command and tool output. */
function failure(host: string, phase: string, r: { stderr: string; stdout: string; code: number }, secrets: string[]): TransportError {
  const m = /@@fail ([^\n]*)\n([\s\S]*)$/.exec(r.stderr);
  const msg = m
    ? `${host}: ${phase}: \`${m[1]}\` failed: ${m[2]!.trim()}`
    : `${host}: ${phase} failed (exit status ${r.code}): ${(r.stderr.trim() || r.stdout.trim()).split("\n").slice(-20).join("\n")}`;
  return new TransportError(maskSecrets(msg, secrets), host, r.code);
}

export interface CommitResult {
  /** Files the commit replaced. */
  changed: string[];
  /** `ipsecctl -sf` flows after the confirm (the flow baseline for drift). */
  flows: string[];
}

/** One commit: stage+validate+arm+swap, apply (same connection), confirm on a fresh connection. */
export async function commit(target: SshTarget, c: Omit<CommitInput, "id">): Promise<CommitResult> {
  const host = hostId(target);
  const input: CommitInput = { ...c, id: randomBytes(6).toString("hex") };
  const secrets = secretsOf(c.news, target.privateKey);
  return hostLock.with(host, async () => {
    const s = await SshSession.open(target);
    let changed: string[] = [];
    try {
      const a = await s.exec(stageScript(input), { name: "stage and validate" });
      if (a.code !== 0) throw failure(host, "validation on the host (nothing was changed)", a, secrets);
      changed = a.stdout.split("\n").filter((l) => l.startsWith("@@changed ")).map((l) => l.slice(10));
      if (FAULT() === "after-swap") {
        s.destroy();
        throw new TransportError(`${host}: connection killed after the swap (PULUMI_OPENBSD_FAULT=after-swap); the on-host timer restores the previous configuration in ${c.rollbackSeconds} s`, host);
      }
      const b = await s.exec(applyScript(input), { name: "apply" });
      if (b.code !== 0) throw failure(host, "apply (the previous configuration was restored)", b, secrets);
      if (FAULT() === "before-confirm") {
        s.destroy();
        throw new TransportError(`${host}: connection killed before the confirm (PULUMI_OPENBSD_FAULT=before-confirm); the on-host timer restores the previous configuration in ${c.rollbackSeconds} s`, host);
      }
    } finally {
      s.close();
    }
    const rf = c.news.ipsec.daemon === "isakmpd" ? c.news.ipsec.ruleFile : undefined;
    const declared = rf && c.news.files[rf] ? declaredTunnelFlows(c.news.files[rf]!.content, rf) : [];
    const wait = flowWaitSeconds(c.rollbackSeconds);
    const conf = await withSession(target, (s2) => s2.run(confirmScript(input.id, declared, wait), { name: "confirm over a fresh connection", secrets }));
    if (conf.stderr.includes("@@noflows")) {
      log(`${host}: the declared tunnels' flows were not present ${wait} s after loading ${rf}; confirmed anyway (the peer may not be configured yet)`);
    }
    return { changed, flows: flowKeys(conf.stdout) };
  });
}

/** One read: one connection, one command. */
export async function readLive(target: SshTarget, desired: HostState): Promise<LiveState> {
  const host = hostId(target);
  const marker = nonce();
  const r = await withSession(target, (s) => s.run(readScript(desired, marker), { name: "read live state", secrets: secretsOf(desired, target.privateKey) }));
  const live = parseReadOutput(r.stdout, marker);
  if (typeof live === "string") throw new TransportError(`${host}: ${live}`, host);
  return live;
}

/** Delete: restore baselines and reload. */
export async function uninstall(target: SshTarget, s: HostState): Promise<void> {
  const host = hostId(target);
  await hostLock.with(host, () => withSession(target, (ss) => ss.run(deleteScript(s), { name: "restore the baseline", secrets: secretsOf(s, target.privateKey) })));
}
