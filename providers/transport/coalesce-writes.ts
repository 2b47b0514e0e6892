/**
 * One write to the socket per burst of SSH packets. ssh2 (pinned at 1.17.0) hands each encrypted packet to its
 * socket in three or four pieces (length, payload, MAC or tag), and with TCP_NODELAY (ssh.ts) each piece became a
 * write(2) and a TCP segment of its own: about 40 writes for one read of a gateway, 5 KB in all (counted against the
 * lab). Each segment wakes the gateway's sshd, and on a loopback or a LAN its receive path runs inside the sender's
 * write: the plugin's single largest cost in a refresh (196 of ~990 ms of CPU for 50 gateways, `--cpu-prof`).
 *
 * The socket is corked at the first write of an event-loop turn and uncorked at the end of that turn, so the pieces
 * (and the packets written together, such as a command's data and its EOF) leave in one writev(2) and as few
 * segments as they fill. Nothing waits: the turn that produced them ends before any reply could be read. When ssh2's
 * socket is not where this expects it, nothing is changed.
 */
import type { Socket } from "node:net";

/** Coalesces the writes `client` makes to its socket within one turn of the event loop (see above). */
export function coalesceWrites(client: unknown): void {
  const sock = (client as { _sock?: unknown })._sock;
  if (!sock || typeof (sock as Socket).cork !== "function" || typeof (sock as Socket).write !== "function") return;
  const s = sock as Socket;
  const write = s.write;
  let corked = false;
  const uncork = () => {
    corked = false;
    s.uncork();
  };
  s.write = function (this: Socket, ...args: Parameters<Socket["write"]>) {
    if (!corked) {
      corked = true;
      s.cork();
      process.nextTick(uncork);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Socket["write"];
}
