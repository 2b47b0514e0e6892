/**
 * The SSH transport (ARCHITECTURE.md D6), on `ssh2`.
 *
 * - One {@link SshSession} per host per engine operation; at most {@link MAX_CHANNELS} channels on it
 *   (OpenBSD's sshd allows 10 sessions per connection), and at most {@link MAX_HANDSHAKES} concurrent
 *   handshakes per host (sshd's MaxStartups throttles bursts).
 * - The host key is pinned: a different key is refused with both SHA256 fingerprints. Skipping the
 *   check needs `insecureSkipHostKeyCheck`, and every such connection is announced on stderr.
 * - Commands run as root: directly when the login user is root, through `doas` otherwise.
 * - Every command is `exec /bin/sh -s` with its script on stdin, so secrets (heredocs in the script) never
 *   appear in argv, in the environment or in `ps`.
 * - Success is exit status 0. An error names the host, the command (secrets masked) and the tool's stderr.
 */
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { blobType, hostKeyAlgorithms, keyFingerprint, parseHostKey } from "./hostkey";
import { countersFor } from "./counters";
import { Semaphore } from "./semaphore";
import { redact } from "../redact";
import { MIN_REDACTED_LENGTH } from "../../sdk/planner/secret-forms";
import { proxyTarget, SSH_PORT, SSH_USER, type ConnectionInput } from "../../sdk/connection";
import { visibleLines } from "../../sdk/model/tokens/refusal";
import { warnThroughEngine } from "../engine-log";
import { promptAcks } from "./prompt-ack";
import { signedFirst } from "./signed-first";
import { coalesceWrites } from "./coalesce-writes";
import { DOAS_SHELL, doasRefusal } from "./doas";
import { isLoginRefused, loginRefusal } from "./login-refusal";
import { connectFailure } from "./connect-failure";

/** At most this many channels are open at once on one connection. */
export const MAX_CHANNELS = 8;
/** At most this many handshakes run at once against one host. */
export const MAX_HANDSHAKES = 4;
/**
 * A command's stdout and stderr together may not exceed this many bytes: a host that prints without end (a managed
 * file that is a huge log, a hostile sshd) stops the command and closes the connection instead of filling the
 * plugin's memory. A read of a large gateway prints well under 1 MiB.
 */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/**
 * How long a read of a gateway (refresh, import) may take: a read runs a handful of commands that answer in
 * milliseconds on OpenBSD, so a read still running after this is a command that hangs (an NFS-mounted /etc, a
 * hostile host); it is stopped and fails instead of holding `pulumi refresh` forever. Commits have no deadline: a
 * `pkg_add` may download for minutes, and the on-host rollback timer guards them. PULUMI_OPENBSD_READ_TIMEOUT=SECONDS
 * (a whole number ≥ 1) changes it.
 */
export function readTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PULUMI_OPENBSD_READ_TIMEOUT;
  return v !== undefined && /^[0-9]{1,5}$/.test(v) && Number(v) >= 1 ? Number(v) * 1000 : 120_000;
}

/** How to reach a host (the plain, unwrapped `connection` input of GatewayConfig). */
export type SshTarget = ConnectionInput;

/** Result of one command. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * A failed command or connection; the message is safe to show: secrets masked by its makers, and what a gateway
 * printed cannot act on the user's terminal (control and format characters other than newline and tab — an escape
 * sequence, a carriage return, a bidi override — are shown as `\u001b`, `\r`, `\u202e`).
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly host: string,
    readonly code?: number,
    /** No connection could be made (refused, timed out, authentication failed): nothing ran on the host. */
    readonly unreachable = false,
  ) {
    super(visibleLines(message));
    this.name = "TransportError";
  }
}

const handshakes = new Map<string, Semaphore>();

/**
 * The first line of every script: closes descriptors 3 to 9, which the script's shell may have inherited from the
 * login shell that started it. A login shell that keeps copies of the session's pipes there without close-on-exec
 * (Debian's csh does: 3, 4 and 5) hands them to everything the script starts, and sshd closes the channel only
 * when the last copy is closed: the commit's rollback timer (`nohup … &`) or a daemon the apply starts would hold
 * the command open until it exits (a stage that ends only when its own timer fires). ksh, mksh, dash and bash keep
 * their own script descriptor at 10 or above; `n<&-` on a descriptor that is not open does nothing.
 */
export const CLOSE_INHERITED = "exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&-\n";

/**
 * Declines OpenSSH's host-key rotation offer on a connection. After authentication every OpenSSH sshd announces
 * all its host keys (`hostkeys-00@openssh.com`, sent by sshd's `notify_hostkeys`), and ssh2 answers each
 * announcement by asking the server to prove it holds them (`hostkeys-prove-00@openssh.com`): the gateway then
 * signs with every host key it has — RSA, ECDSA and Ed25519 on a stock OpenBSD — and ssh2 verifies each signature,
 * on every connection, for keys nobody asked about: the provider trusts exactly the one pinned `hostKey`, checked at
 * the key exchange. OpenSSH's own client does the same only with `UpdateHostKeys`, which pinned known_hosts setups
 * turn off. The announcement asks no reply (want-reply is false), so leaving it unanswered is what the protocol
 * allows. ssh2 (pinned at 1.17.0) offers no option for this: its protocol's message handler is wrapped, and when
 * ssh2's internals are not where this expects them, nothing is changed (ssh2 then proves, as before).
 */
function skipHostKeysProof(client: Client): void {
  const handlers = (client as unknown as { _protocol?: { _handlers?: Record<string, unknown> } })._protocol?._handlers;
  const global = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof global !== "function") return;
  handlers.GLOBAL_REQUEST = (proto: { requestSuccess?: () => void }, name: string, wantReply: boolean, data: unknown) => {
    if (name !== "hostkeys-00@openssh.com") return global(proto, name, wantReply, data);
    if (wantReply) proto.requestSuccess?.();
  };
}

export function hostId(t: SshTarget): string {
  return `${t.host}:${t.port ?? SSH_PORT}`;
}

/** Replaces every occurrence of a secret in `text` (longest first) with `***`, then every secret the plugin has seen. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) if (s.length >= MIN_REDACTED_LENGTH) out = out.split(s).join("***");
  return redact(out);
}

/**
 * Log line on stderr of the plugin (the engine shows it in its diagnostics). Never pass secrets; as a
 * second line of defence every secret value the plugin has seen is masked (providers/redact.ts). What a gateway
 * printed is shown inert, as in {@link TransportError}.
 */
export function log(line: string, severity: "info" | "warning" = "info"): void {
  const text = visibleLines(redact(line));
  // a warning is shown to the user (through the engine: engine-log.ts); the rest is the plugin's log (`pulumi -v`)
  if (severity === "warning" && warnThroughEngine(text)) return;
  process.stderr.write(`pulumi-resource-openbsd: ${severity === "warning" ? "warning: " : ""}${text}\n`);
}

/**
 * A script that waits on its stdin (the stage script's `read go`): stdin stays open after the script
 * until stdout shows the line `marker`; then `answer()` is sent and stdin closed — or, when it returns
 * undefined, the connection is killed (fault injection). If the connection dies first, the script sees
 * EOF instead of the answer.
 */
export interface Gate {
  marker: string;
  answer: () => string | undefined;
}

/** An open connection to one host. */
export class SshSession {
  private readonly channels = new Semaphore(MAX_CHANNELS);
  private closed = false;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    readonly id: string,
    /** The bastion's session the connection runs through (`connection.proxy`), closed with it. */
    private readonly via?: SshSession,
  ) {
    client.on("close", () => {
      this.closed = true;
      via?.close();
    });
  }

  /**
   * A TCP connection from the bastion to `host:port` (a `direct-tcpip` channel, as `ssh -J` opens), for the gateway's
   * own SSH session to run through. Errors name the bastion and what to check there.
   */
  private forward(host: string, port: number, gateway: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) =>
      this.client.forwardOut("127.0.0.1", 0, host, port, (err, stream) => {
        if (!err) return resolve(stream);
        // RFC 4254 5.1's reason: 1 administratively prohibited, 2 connect failed
        const reason = (err as Error & { reason?: unknown }).reason;
        const why = reason === 1 || /prohibited/i.test(err.message)
          ? "its sshd refuses to forward (`AllowTcpForwarding no`, or a `restrict`/`permitopen` on the key in its authorized_keys?)"
          : reason === 2 || /connect failed|refused|unreachable|timed out/i.test(err.message)
            ? `it could not reach ${host} port ${port} (is the gateway's sshd up there, and reachable from the bastion?)`
            : "it did not open the connection";
        reject(new TransportError(`${gateway}: the bastion ${this.id} (connection.proxy) did not connect to the gateway: ${err.message}; ${why}`, gateway, undefined, true));
      }),
    );
  }

  /** The session to a gateway's bastion; a failure names the gateway, then the bastion's own words. */
  private static async openProxy(target: SshTarget, gateway: string, timeoutMs: number): Promise<SshSession> {
    try {
      return await SshSession.open(proxyTarget(target)!, timeoutMs);
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      throw new TransportError(`${gateway}: through the bastion (connection.proxy): ${e.message}`, gateway, e.code, true);
    }
  }

  /** Opens a connection, verifying the host key. */
  static async open(target: SshTarget, timeoutMs = 20_000): Promise<SshSession> {
    const id = hostId(target);
    let pinned: ReturnType<typeof parseHostKey> | undefined;
    // only `true` skips the pin: anything else (a string "false" from config) keeps it
    if (target.insecureSkipHostKeyCheck !== true) {
      if (!target.hostKey) {
        throw new TransportError(`${id}: no hostKey given; pin the gateway's host key (\`ssh-keyscan -t ed25519 HOST\`) or set insecureSkipHostKeyCheck: true`, id);
      }
      pinned = parseHostKey(target.hostKey);
      if (typeof pinned === "string") throw new TransportError(`${id}: ${pinned}`, id);
    } else {
      log(`${id}: host key NOT verified (insecureSkipHostKeyCheck: true); anyone on the path can impersonate this gateway`, "warning");
    }
    // through a bastion: its own session first (its key pinned the same way), then a channel from it to the gateway
    const bastion = target.proxy ? await SshSession.openProxy(target, id, timeoutMs) : undefined;
    let sock: ClientChannel | undefined;
    try {
      sock = bastion ? await bastion.forward(target.host, target.port ?? SSH_PORT, id) : undefined;
    } catch (e) {
      bastion?.close();
      throw e;
    }
    let sem = handshakes.get(id);
    if (!sem) handshakes.set(id, (sem = new Semaphore(MAX_HANDSHAKES)));
    return sem.with(
      () =>
        new Promise<SshSession>((resolve, reject) => {
          const client = new Client();
          let mismatch: string | undefined;
          countersFor(id).connections++;
          const cfg: ConnectConfig = {
            host: target.host,
            port: target.port ?? SSH_PORT,
            username: target.user ?? SSH_USER,
            privateKey: target.privateKey,
            // straight to the key: ssh2's default first tries `none` (one more round trip and a failed
            // attempt in the gateway's authlog for every connection)
            authHandler: ["publickey"],
            readyTimeout: timeoutMs,
            keepaliveInterval: 5000,
            keepaliveCountMax: 3,
            // the gateway signs with the pinned key, whichever of its host keys that is (see hostKeyAlgorithms)
            ...(pinned && typeof pinned !== "string" ? { algorithms: { serverHostKey: hostKeyAlgorithms(pinned.type) } } : {}),
            hostVerifier: (key: Buffer) => {
              if (!pinned || typeof pinned === "string") return true;
              if (key.equals(pinned.blob)) return true;
              mismatch =
                `${id}: host key mismatch, connection refused: expected ${pinned.type} ${keyFingerprint(pinned.blob)}, ` +
                `the host presented ${blobType(key)} ${keyFingerprint(key)}. If the gateway was reinstalled, update hostKey; otherwise someone may be impersonating it.`;
              return false;
            },
          };
          if (sock) cfg.sock = sock;
          client.once("ready", () => resolve(new SshSession(client, target, id, bastion)));
          // `on`, not `once`: a refused handshake may be followed by the socket's reset, and an error event nobody
          // listens to would end the plugin; after the first, errors only close the connection (open commands fail
          // on its close)
          let failed = false;
          client.on("error", (e: Error) => {
            client.end();
            bastion?.close();
            if (failed) return;
            failed = true;
            reject(
              mismatch
                ? new TransportError(mismatch, id)
                : pinned && typeof pinned !== "string" && /no matching host ?key/i.test(e.message)
                  ? new TransportError(
                      `${id}: the host offers no ${pinned.type} host key, the type of the pinned hostKey (${keyFingerprint(pinned.blob)}), so it cannot prove it holds that key; connection refused. ` +
                        "If the gateway was reinstalled or its host keys changed, pin its key anew from a trusted path (on its console: `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`); otherwise someone may be impersonating it.",
                      id,
                    )
                  : isLoginRefused(e)
                    ? new TransportError(`${id}: ${loginRefusal(target.user ?? SSH_USER, target.privateKey)}`, id, undefined, true)
                    : new TransportError(`${id}: cannot connect as ${target.user ?? SSH_USER}: ${connectFailure(e, target.port ?? SSH_PORT)}`, id, undefined, true),
            );
          });
          client.connect(cfg);
          coalesceWrites(client);
          skipHostKeysProof(client);
          promptAcks(client);
          signedFirst(client);
          // small writes go out at once: with Nagle's algorithm each command's request waits for the peer's delayed
          // ACK (~40 ms, twice per exec: ~90 ms a command on a LAN, measured against the lab)
          client.setNoDelay(true);
        }),
    );
  }

  /**
   * Runs `script` with /bin/sh as root (doas when the login user is not root); the script travels on
   * stdin. `name` is how the command is named in errors; `secrets` are masked in any error text.
   * Resolves with the result whatever the exit status; see {@link SshSession.run} for checked runs.
   */
  exec(script: string, opts: { name?: string; gate?: Gate; cutAt?: number; timeoutMs?: number; onStderrLine?: (line: string) => void } = {}): Promise<ExecResult> {
    const c = countersFor(this.id);
    // `exec`: the login shell sshd starts to run this line becomes the script's shell instead of forking it
    const user = this.target.user ?? SSH_USER;
    const argv = user === "root" ? "exec /bin/sh -s" : DOAS_SHELL;
    return this.channels.with(
      () =>
        new Promise<ExecResult>((resolve, reject) => {
          if (this.closed) return reject(new TransportError(`${this.id}: connection closed before \`${opts.name ?? "script"}\``, this.id));
          c.channels++;
          c.commands++;
          this.client.exec(argv, (err, stream) => {
            if (err) return reject(new TransportError(`${this.id}: cannot open a channel for \`${opts.name ?? "script"}\`: ${err.message}`, this.id));
            const out: Buffer[] = [];
            const errb: Buffer[] = [];
            let code: number | null = null;
            let gated = false;
            let printed = 0;
            /** Counts a chunk; past {@link MAX_OUTPUT_BYTES} stops the command (the connection) and fails it. */
            const overflow = (d: Buffer): boolean => {
              c.bytesIn += d.length;
              printed += d.length;
              if (printed <= MAX_OUTPUT_BYTES) return false;
              if (!this.closed) {
                this.destroy();
                reject(new TransportError(`${this.id}: \`${opts.name ?? "script"}\` printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB; stopped it and closed the connection (a managed file may be huge, or the host is not an OpenBSD gateway this provider can read)`, this.id));
              }
              return true;
            };
            const deadline =
              opts.timeoutMs === undefined
                ? undefined
                : setTimeout(() => {
                    if (this.closed) return;
                    this.destroy();
                    reject(new TransportError(`${this.id}: \`${opts.name ?? "script"}\` did not finish within ${opts.timeoutMs! / 1000} s; stopped it and closed the connection (a command on the gateway hangs)`, this.id));
                  }, opts.timeoutMs);
            stream.on("data", (d: Buffer) => {
              if (overflow(d)) return;
              out.push(d);
              const gate = opts.gate;
              if (gate && !gated && Buffer.concat(out).toString("utf8").split("\n").slice(0, -1).includes(gate.marker)) {
                gated = true;
                const answer = gate.answer();
                if (answer === undefined) this.destroy();
                else {
                  c.bytesOut += answer.length;
                  stream.end(answer);
                }
              }
            });
            let partial = "";
            stream.stderr.on("data", (d: Buffer) => {
              if (overflow(d)) return;
              errb.push(d);
              // whole lines as they come, for a script that reports progress on stderr (the lock wait)
              if (!opts.onStderrLine) return;
              const lines = (partial + d.toString("utf8")).split("\n");
              partial = lines.pop()!;
              for (const l of lines) opts.onStderrLine(l);
            });
            stream.on("exit", (status: number | null, signal?: string) => {
              code = status ?? (signal ? 128 : 255);
            });
            stream.on("close", () => {
              if (deadline) clearTimeout(deadline);
              if (code === null) {
                return reject(new TransportError(`${this.id}: connection lost during \`${opts.name ?? "script"}\``, this.id));
              }
              const r = { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errb).toString("utf8"), code };
              const refused = user === "root" ? undefined : doasRefusal(user, r);
              if (refused) return reject(new TransportError(`${this.id}: ${refused}`, this.id, code, true));
              resolve(r);
            });
            const input = Buffer.from(CLOSE_INHERITED + script, "utf8");
            c.bytesOut += input.length;
            if (opts.cutAt !== undefined) {
              // fault injection: part of the script, then the connection dies
              stream.write(input.subarray(0, CLOSE_INHERITED.length + opts.cutAt), () => setTimeout(() => this.destroy(), 200));
            } else if (opts.gate) stream.write(input);
            else stream.end(input);
          });
        }),
    );
  }

  /** As {@link exec}, but a non-zero exit status is a {@link TransportError} naming host, command and stderr. */
  async run(script: string, opts: { name: string; secrets?: readonly string[]; timeoutMs?: number }): Promise<ExecResult> {
    const r = await this.exec(script, opts);
    if (r.code !== 0) {
      const msg = (r.stderr.trim() || r.stdout.trim()).split("\n").slice(-20).join("\n");
      throw new TransportError(maskSecrets(`${this.id}: \`${opts.name}\` failed (exit status ${r.code}): ${msg}`, opts.secrets ?? []), this.id, r.code);
    }
    return r;
  }

  /** Drops the connection (no further commands). */
  close(): void {
    this.closed = true;
    this.client.end();
    this.via?.close();
  }

  /** Kills the TCP connection at once (fault injection in tests). */
  destroy(): void {
    this.closed = true;
    this.client.destroy();
    this.via?.destroy();
  }
}

/** Opens a session, runs `f`, always closes. */
export async function withSession<T>(target: SshTarget, f: (s: SshSession) => Promise<T>): Promise<T> {
  const s = await SshSession.open(target);
  try {
    return await f(s);
  } finally {
    s.close();
  }
}
