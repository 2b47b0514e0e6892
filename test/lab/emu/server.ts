/**
 * TEST DOUBLE — the resident OpenBSD userland emulator of one lab gateway (ARCHITECTURE.md D9: "one resident emulator
 * per gateway; the command names are thin clients").
 *
 * The lab starts one `node emud.mjs SOCKET` per gateway inside the gateway's network, mount and UTS namespaces
 * (so paths, interfaces and the hostname are the gateway's) and stops it at `labDown`; `labReboot` restarts it, as
 * a reboot would. `/sbin/ifconfig`, `/etc/rc` … are wrappers that exec the thin client (`client.c`), which
 * connects to SOCKET (the gateway's private `/run/emud.sock`) and speaks this protocol, one connection per command:
 *
 *   frame = type (1 byte) · length (4 bytes, big-endian) · payload
 *   client → server: `A` one argument (the first is the command name, repeated per word) · `E` one `KEY=VALUE`
 *     of its environment (repeated) · `C` its working directory · `T` its stdin is a terminal · `G` header done ·
 *     `I` stdin bytes · `Z` end of stdin · `S` a signal it caught (payload: 1 byte, 2 = SIGINT, 15 = SIGTERM).
 *   server → client: `O` stdout bytes · `R` stderr bytes · `W` send your stdin now · `X` exit status (4 bytes) ·
 *     `K` die of this signal (1 byte).
 *
 * Standard input is read only when the command asks for it (`W`): a command that never reads stdin must not
 * swallow the rest of a script piped into `sh` (the provider's batched read). A client that goes away (killed,
 * timed out) ends its command's output and stdin; the server keeps serving the others. A forwarded signal reaches a
 * command that catches it ({@link Io.onSignal}); otherwise the client dies of it, as the process would have.
 * Commands run concurrently in this one process (the provider opens up to 8 channels per host, the rollback
 * timer runs beside them); the state files keep their per-file locks (state.ts), so they interleave exactly as
 * separate processes did. An emulated command that runs other emulated commands through a shell (hostname.if
 * `!cmd` lines in netstart) reaches this server again through the client.
 */
import { createServer, type Socket } from "node:net";
import { rmSync } from "node:fs";
import { dispatch } from "./dispatch";
import { startIkeResponder } from "./natt";
import { gatewayName } from "./state";

const SIGNALS: Record<number, NodeJS.Signals> = { 1: "SIGHUP", 2: "SIGINT", 15: "SIGTERM" };
const SIGNUM: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function frame(type: string, body: Buffer): Buffer {
  const h = Buffer.alloc(5);
  h.write(type, 0, "latin1");
  h.writeUInt32BE(body.length, 1);
  return Buffer.concat([h, body]);
}

/** One client connection: parse its header, run the command, stream its output back. */
function serve(sock: Socket): void {
  const argv: string[] = [];
  const env: NodeJS.ProcessEnv = {};
  let cwd = "/";
  let tty = false;
  let started = false;
  let closed = false;
  let buf: Buffer = Buffer.alloc(0);
  const stdinChunks: Buffer[] = [];
  let stdinDone = false;
  let stdinWaiters: (() => void)[] = [];
  let stdinText: Promise<string> | undefined;
  const signalHandlers: ((s: NodeJS.Signals) => void)[] = [];
  // the command's death: a signal it does not catch, or its client gone before it returned
  const death = new AbortController();
  let finished = false;

  // stdout/stderr written in one turn of the event loop (a command printing line by line) leave as one frame per
  // run of the same stream, in order, at the end of the turn: one write for the client instead of one per line
  let pendingType = "";
  let pending: Buffer[] = [];
  let flushQueued = false;
  const writeFrames = (type: string, body: Buffer) => {
    // the client's frame buffer holds 64 KiB
    for (let i = 0; i === 0 || i < body.length; i += 65536) sock.write(frame(type, body.subarray(i, i + 65536)));
  };
  const flush = () => {
    flushQueued = false;
    if (!pending.length) return;
    const body = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    const type = pendingType;
    pending = [];
    if (closed || sock.destroyed) return;
    writeFrames(type, body);
  };
  const send = (type: string, payload?: Buffer | string) => {
    if (closed || sock.destroyed) return;
    const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload ?? Buffer.alloc(0);
    if (type === "O" || type === "R") {
      if (pendingType !== type) flush();
      pendingType = type;
      pending.push(body);
      if (!flushQueued) {
        flushQueued = true;
        setImmediate(flush);
      }
      return;
    }
    // what is pending and this frame (the exit status after the output) leave in one write
    sock.cork();
    flush();
    writeFrames(type, body);
    sock.uncork();
  };
  const endStdin = () => {
    stdinDone = true;
    const w = stdinWaiters;
    stdinWaiters = [];
    for (const f of w) f();
  };
  const onFrame = (type: string, p: Buffer) => {
    switch (type) {
      case "A": argv.push(p.toString("utf8")); break;
      case "E": {
        const s = p.toString("utf8");
        const eq = s.indexOf("=");
        if (eq > 0) env[s.slice(0, eq)] = s.slice(eq + 1);
        break;
      }
      case "C": cwd = p.toString("utf8"); break;
      case "T": tty = true; break;
      case "G": if (!started) { started = true; void run(); } break;
      case "I": stdinChunks.push(p); break;
      case "Z": endStdin(); break;
      case "S": {
        const sig = SIGNALS[p[0] ?? 0];
        if (!sig) break;
        if (signalHandlers.length) for (const h of signalHandlers.splice(0)) h(sig);
        else { send("K", Buffer.from([SIGNUM[sig] ?? 15])); sock.end(); closed = true; death.abort(); }
        break;
      }
      default: sock.destroy(); closed = true;
    }
  };
  sock.on("data", (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      const type = String.fromCharCode(buf[0]!);
      const p = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      onFrame(type, p);
    }
  });
  const gone = () => {
    closed = true;
    endStdin();
    if (started && !finished) death.abort();
  };
  sock.on("close", gone);
  sock.on("error", gone);

  const stdin = (): Promise<string> => {
    stdinText ??= tty ? Promise.resolve("") : new Promise<string>((resolve) => {
      const finish = () => resolve(Buffer.concat(stdinChunks).toString("utf8"));
      if (stdinDone) return finish();
      stdinWaiters.push(finish);
      send("W");
    });
    return stdinText;
  };

  async function run(): Promise<void> {
    const [name, ...args] = argv;
    const code = await dispatch(name, {
      argv: args,
      stdin,
      out: (s) => send("O", s),
      err: (s) => send("R", s),
      env,
      cwd,
      onSignal: (h) => { signalHandlers.push(h); },
      killed: death.signal,
    });
    finished = true;
    const x = Buffer.alloc(4);
    x.writeInt32BE(code | 0);
    send("X", x);
    if (!closed) sock.end();
  }
}

const path = process.argv[2];
if (!path) {
  process.stderr.write("usage: emud SOCKET\n");
  process.exit(2);
}
// a command's stray error must never take the gateway's emulator down: log it (the server's stderr is a log file)
process.on("uncaughtException", (e) => process.stderr.write(`emud: uncaught: ${e.stack ?? String(e)}\n`));
process.on("unhandledRejection", (e) => process.stderr.write(`emud: unhandled rejection: ${(e as Error)?.stack ?? String(e)}\n`));
process.stdout.on("error", () => undefined);
rmSync(path, { force: true });
const server = createServer(serve);
// IKE's udp 500 and 4500 answer NAT-discovery probes (natt.ts): real datagrams through the lab's NAT routers
startIkeResponder(gatewayName);
server.listen(path, () => {
  // the lab waits for this line before booting the gateway
  process.stdout.write(`ready ${process.pid}\n`);
});
for (const s of ["SIGTERM", "SIGINT"] as const) {
  process.on(s, () => {
    server.close();
    rmSync(path, { force: true });
    process.exit(0);
  });
}
