/**
 * Answers, at once, the messages OpenSSH's sshd sends unasked between authentication and the session: its host-key
 * announcement (`hostkeys-00@openssh.com`, want-reply false) and its `SSH_MSG_DEBUG` lines (`key options: …`, two
 * per public-key login, from auth_debug_send). Each is a small write of its own, and an exec session's sshd runs
 * with Nagle's algorithm: the next small write (the channel-open confirmation) waits until the client ACKs the one
 * before. The client has nothing to send then (it waits for that confirmation), so its kernel delays the ACK: ~40 ms
 * on Linux, longer elsewhere, on most connections (measured against the lab: handshake to exec 6 ms or 45 ms,
 * depending on how the writes fell; tcpdump showed the confirmation held until the delayed ACK). An
 * `SSH_MSG_IGNORE` in reply (RFC 4253 11.2: every implementation must accept and ignore it) carries the ACK at once.
 *
 * ssh2 (pinned at 1.17.0) has no call for IGNORE: the packet is built as its own `ping` builds one and sent with
 * its packet writer. When ssh2's internals are not where this expects them, nothing is changed.
 */
import { localRequire } from "../../sdk/local-require";

interface Proto {
  _handlers?: Record<string, unknown>;
  _packetRW?: { write?: { allocStart: number; alloc(n: number): Buffer; finalize(p: Buffer): Buffer } };
}

const SSH_MSG_IGNORE = 2;

type SendPacket = (proto: Proto, packet: Buffer) => void;
let sendPacketFn: SendPacket | null | undefined;

/** ssh2's packet writer, or null when its module is not where 1.17.0 has it. */
function sendPacket(): SendPacket | null {
  if (sendPacketFn !== undefined) return sendPacketFn;
  try {
    const utils = localRequire("ssh2/lib/protocol/utils.js") as { sendPacket?: unknown };
    sendPacketFn = typeof utils.sendPacket === "function" ? (utils.sendPacket as SendPacket) : null;
  } catch {
    sendPacketFn = null;
  }
  return sendPacketFn;
}

/** Sends an empty SSH_MSG_IGNORE on `proto` (a no-op when ssh2's internals are not as expected). */
function sendIgnore(proto: Proto): void {
  const w = proto._packetRW?.write;
  const send = sendPacket();
  if (!w || !send || typeof w.alloc !== "function") return;
  const p = w.allocStart;
  const packet = w.alloc(5);
  packet[p] = SSH_MSG_IGNORE;
  packet.fill(0, p + 1, p + 5); // string data: empty
  send(proto, w.finalize(packet));
}

/** Wraps the client's handlers of sshd's unasked post-authentication messages to answer each with an IGNORE. */
export function promptAcks(client: unknown): void {
  const proto = (client as { _protocol?: Proto })._protocol;
  const handlers = proto?._handlers;
  if (!proto || !handlers) return;
  const global = handlers.GLOBAL_REQUEST;
  if (typeof global === "function")
    handlers.GLOBAL_REQUEST = (p: Proto, name: string, wantReply: boolean, data: unknown) => {
      const r = (global as (...a: unknown[]) => unknown)(p, name, wantReply, data);
      if (!wantReply) sendIgnore(p);
      return r;
    };
  const debug = handlers.DEBUG;
  handlers.DEBUG = (p: Proto, ...rest: unknown[]) => {
    const r = typeof debug === "function" ? (debug as (...a: unknown[]) => unknown)(p, ...rest) : undefined;
    sendIgnore(p);
    return r;
  };
}
