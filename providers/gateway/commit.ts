/**
 * Runs a commit, a read and a delete against one host (ARCHITECTURE.md D2, D3, D6, D12). Every error of a
 * commit says whether the gateway is on its OLD or its NEW configuration. Two operations on one
 * host never interleave: an in-process mutex per host here, and the on-host `mkdir` lock in the
 * scripts (another provider process, or a rollback timer still pending, holds the host off).
 */
import { randomBytes } from "node:crypto";
import type { HostState } from "../../sdk/state";
import { hostId, log, maskSecrets, readTimeoutMs, SshSession, TransportError, withSession, type ExecResult, type SshTarget } from "../transport/ssh";
import { KeyedMutex } from "../transport/semaphore";
import { applyScript, confirmScript, deleteDeadline, deleteScript, flowWaitCap, flowWaitSeconds, GO, LOCK_WAIT_SECONDS, READY, STAGED, stageDeadline, stageScript, STATE_DIR, type CommitInput } from "./commit-script";
import { ownerRecordScript, recordedInstanceOf, type Owner } from "./owner";
import { flowsToAwait } from "./ipsec-kernel";
import { flowKeys, lsPath, parseReadOutput, readScript, type LiveState } from "./read-script";
import { nonce } from "./shell";
import { secretForms } from "../../sdk/planner/secret-forms";
import { rememberSecrets } from "../redact";

const hostLock = new KeyedMutex();

/**
 * Test-only fault injection (`PULUMI_OPENBSD_FAULT`), each a point where the connection dies:
 * `before-stage` (half of the stage script sent), `after-stage` (files staged, validation running),
 * `before-swap` (the stage script waits for `go`), `after-swap` (before anything is applied),
 * `before-confirm` (after the apply). The first three must leave the host unchanged and unlocked, the
 * last two are put back by the on-host timer.
 */
export type Fault = "before-stage" | "after-stage" | "before-swap" | "after-swap" | "before-confirm";
const FAULT = () => process.env.PULUMI_OPENBSD_FAULT as Fault | undefined;

/**
 * Values to mask in any error text: the secret values the planner listed for this state
 * (`state.secrets`: PSKs, sharedkey, carp passwords, manual keys, derived private keys) and the SSH
 * private key, each with its line forms. Typed, never scraped out of the rendered files.
 */
export function secretsOf(s: HostState, ...privateKeys: (string | undefined)[]): string[] {
  const values = [...(s.secrets ?? []), ...privateKeys.filter((k): k is string => !!k)];
  rememberSecrets(values);
  return values.flatMap(secretForms);
}

/** The private keys a connection holds: the gateway's, and its bastion's when it has its own. */
const keysOf = (t: SshTarget): (string | undefined)[] => [t.privateKey, t.proxy?.privateKey];

/** What the host is on after a failure (ARCHITECTURE.md D2, D3): every commit error says it. */
export const ON_OLD = "the gateway is on its OLD configuration";
const onNewUnconfirmed = (s: number) => `the gateway is on its NEW configuration, unconfirmed, and its on-host timer puts it back on its OLD configuration within ${s} s`;

/**
 * The `@@fail CMD` + output of a failed script, and a `@@restore …` report if any. Markers are read at the start of
 * a line only: the scripts write a tool's own lines starting with `@@` as `@ @` (script-lib.ts `esc`).
 */
function failedStep(stderr: string): { cmd: string; out: string; restore?: string } | undefined {
  const r = /^@@restore ([\s\S]*)$/m.exec(stderr);
  const rest = r ? stderr.slice(0, r.index) : stderr;
  const m = /^@@fail ([^\n]*)\n([\s\S]*)$/m.exec(rest);
  if (!m) return undefined;
  return { cmd: m[1]!, out: m[2]!.replace(/^@@recovered .*\n?/gm, "").trim(), ...(r ? { restore: r[1]!.trim() } : {}) };
}

function tail(r: ExecResult): string {
  return (r.stderr.replace(/^@@\w+.*\n?/gm, "").trim() || r.stdout.trim()).split("\n").slice(-20).join("\n");
}

/** The error of a stage script that exited non-zero (nothing was changed). */
function stageFailure(host: string, r: ExecResult, c: CommitInput, secrets: string[]): TransportError {
  let msg: string;
  const owner = /^@@owner (\S*) ?(.*)$/m.exec(r.stderr);
  const locked = /^@@locked ?(.*)$/m.exec(r.stderr);
  const f = failedStep(r.stderr);
  const notFile = /^@@notfile (.*)$/m.exec(r.stderr);
  const deadline = /^@@deadline (\d+)/m.exec(r.stderr);
  if (deadline) {
    msg = `${host}: staging and validation on the host did not finish within ${deadline[1]} s (a command there hangs); the on-host watchdog stopped them and removed what was staged. Nothing was changed (${ON_OLD}).`;
  } else if (notFile) {
    msg = notFileMessage(host, notFile[1]!, [...Object.keys(c.news.files), ...Object.keys(c.olds?.files ?? {})]);
  } else if (r.code === 3 && owner) {
    msg =
      `${host}: the gateway is owned by stack ${owner[1]}${owner[2] ? ` (resource ${owner[2]})` : ""}; ` +
      `${c.owner?.urn ?? "this resource"} of stack ${c.owner?.stack ?? "?"} may not change or destroy it. Nothing was changed (${ON_OLD}). ` +
      `A gateway has one owner: to move it, remove it from the owning stack without destroying it ` +
      `(\`pulumi state delete ${owner[2] || "URN"}\` there), then adopt it here with \`pulumi import openbsd:index:GatewayConfig NAME ID\`.`;
  } else if (r.code === 75 && locked) {
    msg =
      `${host}: the gateway is locked by commit ${locked[1] || "?"} (${STATE_DIR}/lock): another operation is running, ` +
      `or its rollback timer is pending. Nothing was changed (${ON_OLD}); retry once it has finished.`;
  } else if (f && /^(mv -f|cp -p \(baseline|ln -f) /.test(f.cmd)) {
    // the swap failed after the timer was armed: the swapped files were put back at once
    msg = `${host}: the swap on the host failed: \`${f.cmd}\` failed: ${f.out}\n${restoredState(f.restore)}`;
  } else if (f) {
    const phase = /^(write|copy|mkdir|vacate) /.test(f.cmd) ? "staging" : "validation";
    msg = `${host}: ${phase} on the host failed, nothing was changed (${ON_OLD}): \`${f.cmd}\` failed: ${f.out}`;
  } else {
    msg = `${host}: staging on the host failed (exit status ${r.code}), nothing was changed (${ON_OLD}): ${tail(r)}`;
  }
  return new TransportError(maskSecrets(msg, secrets), host, r.code);
}

/** What the first character of `ls -ld` says a path is, for a path that is no regular file. */
const NOT_FILE_KIND: Record<string, string> = {
  d: "a directory",
  p: "a named pipe (FIFO)",
  c: "a character device",
  b: "a block device",
  s: "a socket",
};

/**
 * A managed path that is no regular file (not-file.ts notFileLines): which path, what it is (from its `ls -ld`
 * line), that nothing changed, and what to do.
 */
export function notFileMessage(host: string, lsLine: string, paths: readonly string[]): string {
  const link = / -> (.*)$/.exec(lsLine);
  const path = lsPath(lsLine, paths) ?? "a managed path";
  const kind = link ? `a symbolic link to ${link[1]}, which is no regular file` : (NOT_FILE_KIND[lsLine[0] ?? ""] ?? "no regular file");
  return (
    `${host}: ${path} on the gateway is ${kind}; pulumi-openbsd manages it as a file and never reads, copies or replaces anything else. ` +
    `Nothing was changed (${ON_OLD}). Move it out of the way by hand (\`ls -ld\` shows: ${lsLine.trim()}), then run \`pulumi up\` again.`
  );
}

/**
 * What a restore left (its `@@notrestored FILES` and `@@copies DIR` report, or nothing: all put back), for the
 * error of a failed swap or apply.
 */
export function restoredState(report: string | undefined): string {
  const lost = report && /^@@notrestored(.*)$/m.exec(report);
  if (!lost) return `the previous configuration was restored (${ON_OLD})`;
  const copies = /^@@copies (.*)$/m.exec(report);
  return (
    `the restore could not put back:${lost[1]} (they keep their NEW content; everything else is back on the OLD configuration)` +
    (copies ? `; their previous content is kept on the gateway under ${copies[1]}` : "")
  );
}

/** The error of an apply that failed (its step restored the previous files at once). */
function applyFailure(host: string, r: ExecResult, secrets: string[], c: CommitInput): TransportError {
  const f = failedStep(r.stderr);
  if (!f && (/^@@rolledback/m.test(r.stderr) || r.code >= 128)) {
    // the on-host timer claimed the rollback while the apply still ran: it stopped the apply, then restored
    return new TransportError(
      `${host}: the apply did not finish within rollbackSeconds (${c.rollbackSeconds} s): the on-host timer stopped it and put the gateway back (${ON_OLD}, once its restore has run); ` +
        `a step on the gateway is that slow or hangs: ${tail(r) || "no output"}. Raise \`rollbackSeconds\` if the step is only slow.`,
      host,
      r.code,
    );
  }
  const state = restoredState(f?.restore);
  const msg = f
    ? `${host}: apply failed: \`${f.cmd}\` failed: ${f.out}\n${state}`
    : `${host}: apply failed (exit status ${r.code}): ${tail(r)}\n${state}`;
  return new TransportError(maskSecrets(msg, secrets), host, r.code);
}

/** Dead commits the script found holding the lock and finished (ARCHITECTURE.md D12), for the log. */
/**
 * The stage's or the destroy's stderr, line by line while it runs: a wait for the on-host lock (`@@waiting ID WHO`,
 * script-lib.ts `lock`) is said at once, under the resource, rather than after up to {@link LOCK_WAIT_SECONDS} of
 * silence.
 */
function lockWait(host: string): (line: string) => void {
  return (line) => {
    const m = /^@@waiting (\S*) ?(\S*) ?(.*)$/.exec(line);
    if (!m) return;
    const [, id, stack, urn] = m as unknown as [string, string, string, string];
    const holder = id ? `commit ${id}${stack ? ` of stack ${stack}${urn ? ` (${urn})` : ""}` : ""}` : "another operation";
    log(`${host}: waiting for the gateway's commit lock, held by ${holder}: another operation on this gateway, or one still within its rollback timer; this one goes on when the lock is released, and gives up after ${LOCK_WAIT_SECONDS} s`, "warning");
  };
}

/**
 * The owner recorded on the host named this resource under another stack or URN, with this resource's instance: the
 * same resource after `pulumi stack rename` or `pulumi state move` (owner.ts). Said, as the record changes with it.
 */
function moved(host: string, stderr: string, owner: Owner | undefined): void {
  const m = /^@@moved (\S*) ?(.*)$/m.exec(stderr);
  if (!m || !owner) return;
  log(
    `${host}: the gateway's owner record named ${m[2] || "?"} of stack ${m[1]}; this is the same resource (the instance recorded is its own: a renamed stack, or \`pulumi state move\`), so it went on as ${owner.urn} of stack ${owner.stack}`,
    "warning",
  );
}

function recovered(host: string, stderr: string): void {
  for (const m of stderr.matchAll(/^@@recovered (\S+) (restored|superseded|dropped) ?(.*)$/gm)) {
    const also = m[3] ? ` (${m[3]})` : "";
    log(
      m[2] === "restored"
        ? `${host}: commit ${m[1]} was dead (its process gone or the host rebooted since) and unconfirmed: put the gateway back on the configuration before it${also}, released its lock, and went on`
        : m[2] === "superseded"
          ? `${host}: commit ${m[1]} of this resource, from an earlier operation that ended before confirming it (interrupted?), was still waiting for its rollback timer: put the gateway back on the configuration before it${also} at once, released its lock, and went on`
          : `${host}: commit ${m[1]} was dead before its swap: removed what it had staged, released its lock, and went on`,
      "warning",
    );
  }
}

export interface CommitResult {
  /** Files the commit replaced. */
  changed: string[];
  /** `ipsecctl -sf` flows after the confirm (the flow baseline for drift). */
  flows: string[];
  /** Dead commits found holding the lock and finished first (their ids). */
  recovered: string[];
}

/** One commit: stage+validate+arm+swap, apply (same connection), confirm on a fresh connection. */
export async function commit(target: SshTarget, c: Omit<CommitInput, "id">): Promise<CommitResult> {
  const host = hostId(target);
  const input: CommitInput = { ...c, id: randomBytes(6).toString("hex") };
  const secrets = secretsOf(c.news, ...keysOf(target));
  const fault = FAULT();
  return hostLock.with(host, async () => {
    let s: SshSession;
    try {
      s = await SshSession.open(target);
    } catch (e) {
      throw new TransportError(`${(e as Error).message}; nothing was changed (${ON_OLD})`, host);
    }
    let changed: string[] = [];
    let stderr = "";
    try {
      let went = false;
      const script = stageScript(input);
      const a = await s
        .exec(script, {
          name: "stage and validate",
          onStderrLine: lockWait(host),
          // the host's own watchdog stops the script at stageDeadline; this is for a host that does not
          timeoutMs: (stageDeadline(c.news) + 60) * 1000,
          ...(fault === "before-stage" ? { cutAt: Math.floor(script.length / 2) } : {}),
          gate: {
            marker: fault === "after-stage" ? STAGED : READY,
            answer: () => {
              if (fault === "after-stage" || fault === "before-swap") return undefined;
              went = true;
              return GO + "\n";
            },
          },
        })
        .catch((e: Error) => {
          // refused before any script ran (doas)
          if (e instanceof TransportError && e.unreachable && !went) throw new TransportError(`${e.message}; nothing was changed (${ON_OLD})`, host, e.code, true);
          throw new TransportError(
            went
              ? `${e.message} (fault: ${fault ?? "none"}); ${onNewUnconfirmed(c.rollbackSeconds)}`
              : `${e.message}${fault ? ` (PULUMI_OPENBSD_FAULT=${fault})` : ""}; the on-host script stops before the swap once its connection is gone: nothing was changed (${ON_OLD})`,
            host,
          );
        });
      stderr = a.stderr;
      recovered(host, a.stderr);
      moved(host, a.stderr, c.owner);
      // a stage that ends without having been let through to the swap changed nothing, whatever its status says
      if (a.code !== 0 || !went) throw stageFailure(host, { ...a, code: a.code || 1 }, input, secrets);
      changed = a.stdout.split("\n").filter((l) => l.startsWith("@@changed ")).map((l) => l.slice(10));
      if (fault === "after-swap") {
        s.destroy();
        throw new TransportError(`${host}: connection killed after the swap (PULUMI_OPENBSD_FAULT=after-swap); ${onNewUnconfirmed(c.rollbackSeconds)}`, host);
      }
      // the on-host timer stops an apply that outlasts rollbackSeconds; this is for a host that does not
      const b = await s.exec(applyScript(input), { name: "apply", timeoutMs: (c.rollbackSeconds + 60) * 1000 }).catch((e: Error) => {
        throw new TransportError(`${e.message}; ${onNewUnconfirmed(c.rollbackSeconds)}`, host);
      });
      if (b.code !== 0) throw applyFailure(host, b, secrets, input);
      if (fault === "before-confirm") {
        s.destroy();
        throw new TransportError(`${host}: connection killed before the confirm (PULUMI_OPENBSD_FAULT=before-confirm); ${onNewUnconfirmed(c.rollbackSeconds)}`, host);
      }
    } finally {
      s.close();
    }
    const rf = c.news.ipsec.ruleFile;
    const declared = flowsToAwait(c.news);
    const wait = flowWaitSeconds(c.rollbackSeconds, flowWaitCap());
    let conf: ExecResult;
    try {
      conf = await withSession(target, (s2) => s2.exec(confirmScript(input.id, declared, wait, c.owner && { ...c.owner, target: c.owner.target ?? host }), { name: "confirm over a fresh connection", timeoutMs: (wait + 60) * 1000 + readTimeoutMs() }));
    } catch (e) {
      throw new TransportError(`${(e as Error).message}: the commit could not be confirmed over a fresh connection; ${onNewUnconfirmed(c.rollbackSeconds)}`, host);
    }
    if (conf.code !== 0) {
      const msg = conf.stderr.includes("@@rolledback")
        ? `${host}: commit ${input.id} was rolled back by the on-host timer before it could be confirmed; ${ON_OLD}`
        : `${host}: the confirm failed (exit status ${conf.code}): ${tail(conf)}; ${onNewUnconfirmed(c.rollbackSeconds)}`;
      throw new TransportError(maskSecrets(msg, secrets), host, conf.code);
    }
    if (conf.stderr.includes("@@noflows")) {
      log(`${host}: the declared tunnels' flows were not present ${wait} s after loading ${rf}; confirmed anyway (the peer may not be configured yet)`, "warning");
    }
    if (conf.stderr.includes("@@noowner")) log(`${host}: committed, but the owner could not be recorded in ${STATE_DIR}/owner`, "warning");
    return { changed, flows: flowKeys(conf.stdout), recovered: [...stderr.matchAll(/^@@recovered (\S+)/gm)].map((m) => m[1]!) };
  });
}

/**
 * The instance the gateway's owner record names (owner.ts), read in one command; undefined when it records none. A
 * connection moved to another `HOST:PORT` asks it: the same instance there is the same gateway reached another way.
 */
export async function recordedInstance(target: SshTarget): Promise<string | undefined> {
  const marker = nonce();
  const r = await withSession(target, (s) => s.exec(ownerRecordScript(marker), { name: "read the owner record", timeoutMs: readTimeoutMs() }));
  return recordedInstanceOf(r.stdout, marker);
}

/** One read: one connection, one command. */
export async function readLive(target: SshTarget, desired: HostState): Promise<LiveState> {
  const host = hostId(target);
  const marker = nonce();
  const r = await withSession(target, (s) => s.run(readScript(desired, marker), { name: "read live state", secrets: secretsOf(desired, ...keysOf(target)), timeoutMs: readTimeoutMs() }));
  const live = parseReadOutput(r.stdout, marker);
  if (typeof live === "string") throw new TransportError(`${host}: ${live}`, host);
  return live;
}

/** Delete: restore baselines and reload. */
export async function uninstall(target: SshTarget, s: HostState, owner?: Owner): Promise<void> {
  const host = hostId(target);
  const secrets = secretsOf(s, ...keysOf(target));
  const me = owner && { ...owner, target: owner.target ?? host };
  const r = await hostLock
    .with(host, () => withSession(target, (ss) => ss.exec(deleteScript(s, me), { name: "restore the baseline", onStderrLine: lockWait(host), timeoutMs: deleteDeadline(s) * 1000 })))
    .catch((e: unknown) => {
      // the restore ran, and was cut off (no answer within its deadline, the connection lost): where it got is unknown
      if (!(e instanceof TransportError) || e.unreachable) throw e;
      throw new TransportError(`${e.message}. The gateway may be partly restored (between its NEW and its OLD configuration), and the restore may still be running there: \`pulumi destroy\` again retries once it has ended.`, host, e.code);
    });
  recovered(host, r.stderr);
  moved(host, r.stderr, owner);
  if (r.code === 3 || r.code === 75) throw stageFailure(host, r, { id: "delete", news: s, rollbackSeconds: 0, ...(owner ? { owner } : {}) }, secrets);
  const handedOver = /^@@handedover (\S+) ?(\S*)$/m.exec(r.stderr);
  if (handedOver) {
    const [, urn, via] = handedOver as unknown as [string, string, string];
    const [who, why] =
      urn !== owner?.urn
        ? [`this stack's GatewayConfig "${urn.slice(urn.lastIndexOf("::") + 2)}"`, "a renamed or re-parented resource is created before the old one is deleted"]
        : via && via !== me?.target
          ? [`this resource's replacement, which reaches it as ${via},`, "a replacement is created before the resource it replaces is deleted"]
          : ["this resource's replacement (`pulumi up --replace`, or replaceOnChanges)", "a replacement is created before the resource it replaces is deleted"];
    log(`${host}: nothing restored: ${who} manages the gateway now (${why}); its configuration stays`, "warning");
    return;
  }
  const lost = /^@@notrestored(.*)$/m.exec(r.stderr);
  if (lost) {
    throw new TransportError(
      maskSecrets(`${host}: destroy could not put back:${lost[1]} (they keep this resource's NEW configuration; everything else is back on the gateway's OLD configuration). Their baseline copies are kept in ${STATE_DIR}/baseline: \`pulumi destroy\` again retries.${r.stderr.includes("@@fail") ? ` ${tail(r)}` : ""}`, secrets),
      host,
      r.code,
    );
  }
  if (r.code !== 0) throw new TransportError(maskSecrets(`${host}: \`restore the baseline\` failed (exit status ${r.code}), the gateway may be partly restored (between its NEW and its OLD configuration; \`pulumi destroy\` again retries): ${tail(r)}`, secrets), host, r.code);
}
