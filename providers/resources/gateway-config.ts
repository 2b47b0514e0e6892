/**
 * `openbsd:index:GatewayConfig` — one gateway's whole desired state (sdk/state.ts HostState),
 * committed in one safe commit per operation (ARCHITECTURE.md D2, D3) and read back with two-layer drift (D5).
 *
 * - `check` and `diff` are pure and local: preview never connects to a host.
 * - The id is `HOST` (or `HOST:PORT` when the port is not 22): stable for a host. An import id is
 *   `[USER@]HOST[:PORT] HOSTKEY` (e.g. `root@192.0.2.153:22 ssh-ed25519 AAAAC3…`) with the private key
 *   from the provider configuration `openbsd:privateKey` (providers/gateway/import.ts).
 * - Outputs: `connection` (private key secret), `state` (the desired state as last applied; secret
 *   file contents — {@link holdsSecret} — and the `secrets` list wrapped as secrets), `rollbackSeconds`,
 *   `drift` (item → in sync | file drifted | running drifted | not persisted), `flows` (the `ipsecctl -sf`
 *   flows seen at the last confirm) and `fingerprintKey` (secret: the key of the `fp:…` fingerprints in its
 *   logs, providers/secrets.ts).
 * - Secrets: whatever a request marked secret (the whole state, a file, a content, the connection) stays
 *   secret in the inputs and outputs returned for it (providers/secret-marks.ts); every secret value of a
 *   request is remembered and masked from every error and log line (providers/redact.ts); diffs and logs
 *   show secret files as keyed fingerprints only.
 * - `read` keeps `state` as last applied and reports what the host runs in `drift`; its returned
 *   inputs carry the observed state (live file contents, sysctl values, services), so `pulumi refresh`
 *   shows an update and the next `pulumi up` diffs to the drifted items and repairs them; a hand-edited
 *   `/etc/hostname.*` read back is a secret (it may have gained a key).
 * - An unreachable host is an error, never "deleted".
 * - `PULUMI_OPENBSD_STUB=1` (benchmarks only) makes `read` return what it was given without connecting,
 *   to measure the engine's own floor.
 *
 * Decision (ARCHITECTURE.md H6): the engine may run operations on several resources at once;
 * the per-host mutex and on-host lock (providers/gateway/commit.ts) serialise those on one host.
 */
import type { HostState, ManagedFile } from "../../sdk/state";
import { SSH_PORT } from "../../sdk/connection";
import type { ResourceProvider } from "./types";
import type { DetailedDiffResult, PropertyDiffKind } from "../diff";
import { fingerprint, isSecret, newFingerprintKey, secret, unwrap } from "../secrets";
import { redacting, rememberRequest } from "../redact";
import { markSecret, secretPaths, type PropertyPath } from "../secret-marks";
import { flushCounters } from "../transport/counters";
import { hostId, log, TransportError, type SshTarget } from "../transport/ssh";
import { commit, readLive, recordedInstance, uninstall } from "../gateway/commit";
import { isPseudoService } from "../gateway/services-script";
import { instanceOf, ownerOf, type Owner } from "../gateway/owner";
import { classify, driftKeys, inSync } from "../gateway/read-script";
import { daemonOf, discover, IMPORT_ID_FORMAT, parseImportId } from "../gateway/import";
import { failedCommit } from "./failed-commit";
export { peersOf } from "./failed-commit";
import { providerConfig } from "../config";
import { hasUnknown, isUnknown, UNKNOWN } from "../unknowns";
import { DEFAULT_ROLLBACK_SECONDS, normalizeConnection, validate, type Inputs } from "./gateway-config-inputs";

export { DEFAULT_ROLLBACK_SECONDS, normalizeConnection, validate };


/** True when a file's content must be stored as a Pulumi secret: marked `secret`, or a keying daemon's configuration. */
export function isSecretFile(f: ManagedFile): boolean {
  return !!f.secret || f.check === "ipsec" || f.check === "iked" || f.check === "sasyncd";
}

/** True when a file's content is stored as a Pulumi secret in a state: {@link isSecretFile}, or it holds a value of the state's `secrets` list. */
export function holdsSecret(f: ManagedFile, s: HostState): boolean {
  return isSecretFile(f) || (s.secrets ?? []).some((v) => v !== "" && f.content.includes(v));
}

/**
 * The `ipsecctl -sf` flows as stored: a secret when a flow names a value of the state's `secrets` list (a network or
 * peer address the program marked secret appears in the kernel's flows as it does in ipsec.conf), plain otherwise.
 */
export function flowsOutput(flows: string[], s: HostState): unknown {
  const values = (s.secrets ?? []).filter((v) => v !== "");
  return flows.some((f) => values.some((v) => f.includes(v))) ? secret(flows) : flows;
}

/** Fills defaults (owner root, group wheel, check none). A state holding a value not known yet (preview) stays as it is. */
function normalizeState(s: HostState): HostState {
  if (hasUnknown(s)) return s;
  const files: Record<string, ManagedFile> = {};
  for (const [p, f] of Object.entries(s.files ?? {})) {
    files[p] = { ...f, owner: f.owner ?? "root", group: f.group ?? "wheel", check: f.check ?? "none", ...(f.secret ? { secret: true } : {}) };
    if (!f.secret) delete files[p]!.secret;
  }
  return {
    files,
    sysctls: { ...(s.sysctls ?? {}) },
    services: { ...(s.services ?? {}) },
    interfaces: [...(s.interfaces ?? [])],
    anchors: { ...(s.anchors ?? {}) },
    ipsec: { daemon: s.ipsec?.daemon ?? "none", ...(s.ipsec?.ruleFile ? { ruleFile: s.ipsec.ruleFile } : {}) },
    ...(Array.isArray(s.secrets) && s.secrets.length > 0 ? { secrets: [...s.secrets] } : {}),
    ...(s.ipsecKernel ? { ipsecKernel: s.ipsecKernel } : {}),
    ...(Array.isArray(s.packages) && s.packages.length > 0 ? { packages: [...s.packages] } : {}),
  };
}

/** The state with secret file contents ({@link holdsSecret}) and the `secrets` list wrapped as Pulumi secrets (for inputs and outputs). */
function wrapState(s: HostState): unknown {
  const files: Record<string, unknown> = {};
  for (const [p, f] of Object.entries(s.files)) files[p] = holdsSecret(f, s) ? { ...f, content: secret(f.content) } : f;
  return { ...s, files, ...(s.secrets ? { secrets: secret(s.secrets) } : {}) };
}

function wrapConnection(c: SshTarget): unknown {
  const p = c.proxy;
  return { ...c, privateKey: secret(c.privateKey), ...(p ? { proxy: { ...p, ...(p.privateKey !== undefined ? { privateKey: secret(p.privateKey) } : {}) } } : {}) };
}



function plain(v: unknown): Inputs {
  const i = unwrap<Inputs>(v);
  const out: Inputs = { ...i, connection: normalizeConnection(i.connection), state: normalizeState(i.state ?? ({} as HostState)) };
  if (out.rollbackSeconds === null || out.rollbackSeconds === undefined) delete out.rollbackSeconds;
  return out;
}

function idOf(c: SshTarget): string {
  return (c.port ?? SSH_PORT) === SSH_PORT ? c.host : `${c.host}:${c.port}`;
}

const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Pure detailed diff: per item of the state, plus items a read found drifted. At preview a new input may be
 * unknown (providers/unknowns.ts): each unknown part is a change, and a state holding an unknown value is one
 * update of `state`, its items compared at up.
 *
 * Decision: a change of the connection, its host and port included, is an update, never a replacement. The
 * connection says how to reach the gateway, and a replacement would delete the original through the old one: after
 * sshd moved to another port, or the machine was renumbered or retired, that delete cannot connect, the update fails
 * half way, and the stack holds two resources of one URN, which `pulumi state delete` refuses as ambiguous. An
 * update commits at the new address as a create does ({@link movedTarget}) and never contacts the old one.
 */
export function diffInputs(olds: Inputs, news: Inputs): DetailedDiffResult {
  const d: Record<string, { kind: PropertyDiffKind }> = hasUnknown(news.state) ? { state: { kind: "update" } } : diffState(olds, news.state);
  /** Whether a new input differs from the old one (an unknown one may). */
  const differs = (a: unknown, b: unknown) => hasUnknown(b) || !eq(a, b);
  const oc = olds.connection;
  const nc: Partial<SshTarget> = isUnknown(news.connection) ? { host: UNKNOWN } : news.connection;
  if (differs(oc.host, nc.host)) d["connection.host"] = { kind: "update" };
  if (differs(oc.port ?? SSH_PORT, nc.port ?? SSH_PORT)) d["connection.port"] = { kind: "update" };
  for (const k of ["user", "privateKey", "hostKey", "insecureSkipHostKeyCheck", "proxy"] as const) if (!isUnknown(news.connection) && differs(oc[k], nc[k])) d[`connection.${k}`] = { kind: "update" };
  if (differs(olds.rollbackSeconds ?? DEFAULT_ROLLBACK_SECONDS, news.rollbackSeconds ?? DEFAULT_ROLLBACK_SECONDS)) d["rollbackSeconds"] = { kind: "update" };
  return { changes: Object.keys(d).length > 0, replaces: [], detailedDiff: d };
}

/**
 * Whether an update reaches another `HOST:PORT` than the one last committed to: another address of the same machine,
 * or another machine. Either way what the old state says was applied is not known to be there, so the commit runs as
 * a create's does (every file staged against what the host has, every interface and service applied).
 */
export function movedTarget(olds: Inputs, news: Inputs): boolean {
  return hostId(olds.connection) !== hostId(news.connection);
}

/** The state's part of {@link diffInputs}, both states known: per item, plus items a read found drifted. */
function diffState(olds: Inputs, n: HostState): Record<string, { kind: PropertyDiffKind }> {
  const d: Record<string, { kind: PropertyDiffKind }> = {};
  const o = olds.state;
  const maps = ["files", "sysctls", "services", "anchors"] as const;
  for (const m of maps) {
    const om = o[m] as Record<string, unknown>;
    const nm = n[m] as Record<string, unknown>;
    for (const k of new Set([...Object.keys(om), ...Object.keys(nm)])) {
      if (!(k in om)) d[`state.${m}["${k}"]`] = { kind: "add" };
      else if (!(k in nm)) d[`state.${m}["${k}"]`] = { kind: "delete" };
      else if (!eq(om[k], nm[k])) d[`state.${m}["${k}"]`] = { kind: "update" };
    }
  }
  for (const i of new Set([...o.interfaces, ...n.interfaces])) {
    if (!o.interfaces.includes(i) || !n.interfaces.includes(i)) d["state.interfaces"] = { kind: "update" };
  }
  if (!eq(o.ipsec, n.ipsec)) d["state.ipsec"] = { kind: "update" };
  const op = o.packages ?? [];
  const np = n.packages ?? [];
  for (const p of new Set([...op, ...np])) {
    if (!op.includes(p)) d[`state.packages["${p}"]`] = { kind: "add" };
    else if (!np.includes(p)) d[`state.packages["${p}"]`] = { kind: "delete" };
  }
  const newKeys = new Set(driftKeys(n));
  for (const [k, v] of Object.entries(olds.drift ?? {})) {
    if (v === "in sync" || !newKeys.has(k) || d[`state.${k}`]) continue;
    // files/sysctls/services: the read's inputs hold what the host has, so the engine shows old → new
    if (/^(files|sysctls|services|packages)\[/.test(k)) d[`state.${k}`] = { kind: "update" };
    else d[`drift[${JSON.stringify(k)}]`] = { kind: "update" };
  }
  return d;
}

function outputs(n: Inputs, flows: string[], fingerprintKey: string): Record<string, unknown> {
  return {
    fingerprintKey: secret(fingerprintKey),
    connection: wrapConnection(n.connection),
    state: wrapState(n.state),
    ...(n.rollbackSeconds !== undefined ? { rollbackSeconds: n.rollbackSeconds } : {}),
    drift: inSync(n.state),
    flows: flowsOutput(flows, n.state),
  };
}

async function apply(olds: Inputs | undefined, news: Inputs, owner: Owner | undefined, fingerprintKey: string): Promise<string[]> {
  try {
    const r = await commit(news.connection, {
      olds: olds?.state,
      news: news.state,
      drift: olds?.drift,
      rollbackSeconds: news.rollbackSeconds ?? DEFAULT_ROLLBACK_SECONDS,
      ...(owner ? { owner } : {}),
    }).catch((e: unknown) => failedCommit(e, news.state));
    const files = r.changed.map((p) => {
      const f = news.state.files[p];
      return f && holdsSecret(f, news.state) ? `${p} (${fingerprint(fingerprintKey, f.content)})` : p;
    });
    log(`${idOf(news.connection)}: committed and confirmed; files replaced: ${files.join(", ") || "none"}`);
    return r.flows;
  } finally {
    flushCounters();
  }
}

/** URNs imported by this plugin process whose import-step diff has not run yet. */
const justImported = new Set<string>();

/**
 * Every operation of a resource remembers the secrets of its request before anything runs, and any
 * error it throws leaves with them masked (providers/redact.ts).
 */
function guarded(p: ResourceProvider): ResourceProvider {
  const out: Record<string, unknown> = {};
  for (const [k, fn] of Object.entries(p) as [string, (...a: unknown[]) => Promise<unknown>][])
    out[k] = (...args: unknown[]) => {
      rememberRequest(...args);
      return redacting(() => fn(...args));
    };
  return out as unknown as ResourceProvider;
}

/** Key of the fingerprints in this resource's logs: kept from its old state, new on create and import. */
const keyOf = (o?: Inputs): string => o?.fingerprintKey ?? newFingerprintKey();

export const gatewayConfig: ResourceProvider = guarded({
  async check(_urn, _olds, news) {
    const raw = unwrap<Inputs>(news);
    const failures = validate(raw);
    // the engine prints a failure's `property` as `property P value V`, looking P up among the top-level inputs only:
    // a nested path (connection.host, state.files[…]) would read `value {<nil>}`. Each reason names its field itself
    if (failures.length) return { inputs: news, failures: failures.map((f) => (/[.[]/.test(f.property) ? { property: "", reason: f.reason } : f)) };
    const n = plain(news);
    // an input not known yet (preview) goes back as it came: normalized and checked at up, when it is known
    const given = news as Record<string, unknown>;
    const inputs: Record<string, unknown> = {
      connection: hasUnknown(raw.connection) ? normalizeConnection(given.connection) : wrapConnection(n.connection),
      state: hasUnknown(raw.state) ? given.state : wrapState(n.state),
    };
    if (isUnknown(raw.rollbackSeconds)) inputs.rollbackSeconds = given.rollbackSeconds;
    else if (n.rollbackSeconds !== undefined) inputs.rollbackSeconds = n.rollbackSeconds;
    return { inputs: markSecret(inputs, secretPaths(news)), failures: [] };
  },

  async diff(_id, urn, olds, news) {
    // the import step: right after the import read, the engine diffs what it read against the program and
    // refuses the import on any difference; the next up (another plugin process) diffs and converges
    if (justImported.delete(urn)) return { changes: false, detailedDiff: {} };
    const o = plain(olds);
    if (!o.connection || !o.state) return { changes: true, detailedDiff: {} };
    return diffInputs(o, plain(news));
  },

  async create(urn, inputs) {
    const n = plain(inputs);
    const key = keyOf();
    const flows = await apply(undefined, n, ownerOf(urn, false, instanceOf(key)), key);
    return { id: idOf(n.connection), outs: markSecret(outputs(n, flows, key), secretPaths(inputs)) };
  },

  async update(_id, urn, olds, news) {
    const o = plain(olds);
    const n = plain(news);
    // after an import the recorded state is what the gateway had: take it over as a create does, and
    // adopt the gateway (the import is how ownership moves between stacks, ARCHITECTURE.md D12)
    const key = keyOf(o);
    const moved = movedTarget(o, n);
    // the gateway at the new address may be this one reached another way (sshd on another port, the gateway
    // renumbered): its owner record naming this resource's instance says so, and the update goes on from the
    // recorded state (what the program no longer declares is taken off, as in any update); another machine gets
    // what a create commits
    const same = moved && !o.imported && (await recordedInstance(n.connection)) === instanceOf(key);
    if (moved) {
      log(same
        ? `${idOf(n.connection)}: the connection now reaches ${hostId(n.connection)} (was ${hostId(o.connection)}), and the gateway there is this resource's own (its owner record names it): updated from its recorded configuration; ${hostId(o.connection)} is not contacted`
        : `${idOf(n.connection)}: the connection now reaches ${hostId(n.connection)} (was ${hostId(o.connection)}): committed as a create is, from what the gateway has; ${hostId(o.connection)} is not contacted`);
    }
    const flows = await apply(o.imported || (moved && !same) ? undefined : o, n, ownerOf(urn, !!o.imported, instanceOf(key)), key);
    return { outs: markSecret(outputs(n, flows, key), secretPaths(news)) };
  },

  async read(id, urn, props, inputs?: unknown) {
    const fromProps = props && typeof props === "object" && "connection" in props;
    const src = fromProps ? plain(props) : inputs && typeof inputs === "object" && "connection" in (inputs as object) ? plain(inputs) : undefined;
    if (!src) {
      const r = await importRead(id);
      justImported.add(urn);
      return r;
    }
    // what the recorded outputs and inputs marked secret stays secret in what the read returns
    const marks = [...secretPaths(props), ...secretPaths(inputs)];
    if (process.env.PULUMI_OPENBSD_STUB === "1") {
      // benchmarks only: the engine's own floor, with the provider's work stubbed out
      const inputs = { connection: wrapConnection(src.connection), state: wrapState(src.state), ...(src.rollbackSeconds !== undefined ? { rollbackSeconds: src.rollbackSeconds } : {}) };
      return { id, props, inputs: markSecret(inputs, marks) };
    }
    let live;
    try {
      live = await readLive(src.connection, src.state);
    } finally {
      flushCounters();
    }
    const { drift, observed } = classify(src.state, live, src.flows ?? []);
    const base = {
      connection: wrapConnection(src.connection),
      ...(src.rollbackSeconds !== undefined ? { rollbackSeconds: src.rollbackSeconds } : {}),
    };
    // import: the observed state is all we know; refresh: keep the desired state as last applied
    const props2 = {
      ...base,
      fingerprintKey: secret(keyOf(fromProps ? src : undefined)),
      state: wrapState(fromProps ? src.state : observed),
      drift: fromProps ? drift : inSyncOf(observed, drift),
      flows: flowsOutput(fromProps ? (src.flows ?? []) : (live.flows ?? []), src.state),
      ...(src.imported ? { imported: true } : {}),
    };
    const drifted = Object.fromEntries(Object.entries(drift).filter(([, v]) => v !== "in sync"));
    const inputs2 = { ...base, state: wrapState(observed), ...(Object.keys(drifted).length ? { drift: drifted } : {}) };
    return { id, props: markSecret(props2, marks), inputs: markSecret(inputs2, [...marks, ...editedInterfaceFiles(src.state, observed)]) };
  },

  async delete(_id, urn, props) {
    const o = plain(props);
    try {
      // this incarnation (none known: a state from an older version, or an import not committed since, whose
      // recorded instance is the previous owner's)
      await uninstall(o.connection, o.state, ownerOf(urn, false, o.fingerprintKey && !o.imported ? instanceOf(o.fingerprintKey) : undefined));
    } catch (e) {
      // the resource stays in the stack: say how to let go of a gateway that will never answer again
      if (e instanceof TransportError && e.unreachable) {
        throw new TransportError(`${e.message}\nNothing was changed on the gateway. Run \`pulumi destroy\` again once it is reachable; if it is gone for good, \`pulumi state delete '${urn}'\` removes this resource from the stack without touching any host.`, e.host, e.code, true);
      }
      throw e;
    } finally {
      flushCounters();
    }
  },
});

/**
 * An import (the engine sends neither properties nor inputs): the connection from the id
 * ({@link IMPORT_ID_FORMAT}) and the private key from `openbsd:privateKey`; the state as found on the
 * gateway (providers/gateway/import.ts), returned as both properties and inputs, marked `imported`.
 */
async function importRead(id: string): Promise<{ id: string; props: Record<string, unknown>; inputs: Record<string, unknown> }> {
  const conn = parseImportId(id);
  const key = providerConfig().privateKey;
  if (typeof conn === "string" || !key) {
    const problems = [
      ...(typeof conn === "string" ? [conn] : []),
      ...(!key ? ["no private key: the provider configuration `openbsd:privateKey` is not set"] : []),
    ];
    throw new Error(
      `GatewayConfig import \`${id}\`: the engine sends no inputs with an import, so the connection must come from the id and the provider configuration: ${problems.join("; ")}. ` +
        `Give the id as ${IMPORT_ID_FORMAT} and set the key with \`pulumi config set --secret openbsd:privateKey -- "$(cat KEY)"\`.`,
    );
  }
  const connection = normalizeConnection({ ...conn, privateKey: key }) as SshTarget;
  const failures = validate({ connection, state: normalizeState({} as HostState) });
  if (failures.length) throw new Error(`GatewayConfig import \`${id}\`: ${failures.map((f) => f.reason).join("; ")}`);
  let found: HostState;
  let live;
  try {
    found = await discover(connection);
    live = await readLive(connection, found);
  } finally {
    flushCounters();
  }
  const { drift, observed } = classify(found, live);
  for (const [n, v] of Object.entries(observed.services)) if (!v.enabled && !v.running) delete observed.services[n];
  for (const [n, v] of Object.entries(observed.services)) {
    if (v.flags === "") delete v.flags;
    if (isPseudoService(n)) v.running = v.enabled; // rc.conf variables: "running" is being on
  }
  const state = normalizeState({ ...observed, ipsec: { ...observed.ipsec, daemon: daemonOf(observed) } });
  if (state.ipsec.daemon === "iked") delete state.ipsec.ruleFile;
  // the state is what the host has: only running layers of anchors and interfaces can differ from it
  const kept = Object.fromEntries(driftKeys(state).map((k) => [k, /^(anchors|interfaces)\[/.test(k) ? (drift[k] ?? "in sync") : "in sync"]));
  const inputs = { connection: wrapConnection(connection), state: wrapState(state) };
  log(`${idOf(connection)}: imported ${Object.keys(state.files).length} files, ${Object.keys(state.sysctls).length} sysctls, ${Object.keys(state.services).length} services`);
  return { id, props: { ...inputs, drift: kept, flows: live.flows ?? [], imported: true, fingerprintKey: secret(newFingerprintKey()) }, inputs };
}

/**
 * The live content of each `/etc/hostname.*` file a read found different from the declared one: a hand edit
 * may have added a key (`pass`, `wgkey`, `wpakey`) the declaration did not hold, so it is stored as a secret
 * (an import stores every hostname.* file as one, providers/gateway/import.ts).
 */
function editedInterfaceFiles(declared: HostState, observed: HostState): PropertyPath[] {
  return Object.entries(observed.files)
    .filter(([p, f]) => p.startsWith("/etc/hostname.") && f.content !== declared.files[p]?.content)
    .map(([p]) => ["state", "files", p, "content"]);
}

/** For an import: the drift map of the observed state (its files are as found, so only running layers can drift). */
function inSyncOf(_observed: HostState, drift: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(drift)) out[k] = v === "file drifted" ? "in sync" : v;
  return out;
}

export { isSecret };
