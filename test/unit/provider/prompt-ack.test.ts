/**
 * providers/transport/prompt-ack.ts: sshd's unasked post-authentication messages (the host-key announcement, its
 * DEBUG lines) are each answered with an SSH_MSG_IGNORE, through ssh2's own packet writer, so the client's kernel
 * ACKs them at once (sshd's Nagle holds the channel-open confirmation until then). The writer is ssh2's internal
 * one: an ssh2 release that moves it fails here instead of silently bringing the ~40 ms back on every connection.
 */
import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { promptAcks } from "../../../providers/transport/prompt-ack";

const require = createRequire(import.meta.url);

/** A client as ssh2 1.17.0 lays it out, with its real packet writer; `sent` collects the packets handed to the cipher. */
function fakeClient() {
  const sent: Buffer[] = [];
  const calls: string[] = [];
  let buf = Buffer.alloc(0);
  const write = {
    allocStart: 5,
    alloc(n: number) {
      buf = Buffer.alloc(5 + n);
      return buf;
    },
    finalize(p: Buffer) {
      return p;
    },
  };
  const proto = {
    _packetRW: { write },
    _cipher: { encrypt: (p: Buffer) => void sent.push(Buffer.from(p)) },
    _handlers: {
      GLOBAL_REQUEST: (_p: unknown, name: string) => void calls.push(`global ${name}`),
      DEBUG: (_p: unknown, _display: boolean, msg: string) => void calls.push(`debug ${msg}`),
    } as Record<string, (...a: unknown[]) => void>,
  };
  return { client: { _protocol: proto }, proto, sent, calls };
}

describe("prompt ACKs of sshd's unasked messages", () => {
  it("ssh2 still has the packet writer the IGNORE is sent with", () => {
    expect(typeof (require("ssh2/lib/protocol/utils.js") as { sendPacket?: unknown }).sendPacket).toBe("function");
  });

  it("a DEBUG line and the host-key announcement are each answered with an empty SSH_MSG_IGNORE, after ssh2's own handling", () => {
    const { client, proto, sent, calls } = fakeClient();
    promptAcks(client);
    proto._handlers.DEBUG!(proto, false, "/root/.ssh/authorized_keys:1: key options: agent-forwarding");
    proto._handlers.GLOBAL_REQUEST!(proto, "hostkeys-00@openssh.com", false, []);
    expect(calls).toEqual(["debug /root/.ssh/authorized_keys:1: key options: agent-forwarding", "global hostkeys-00@openssh.com"]);
    expect(sent.map((p) => [...p.subarray(5)])).toEqual([
      [2, 0, 0, 0, 0],
      [2, 0, 0, 0, 0],
    ]);
  });

  it("a global request that wants a reply gets ssh2's reply only", () => {
    const { client, proto, sent } = fakeClient();
    promptAcks(client);
    proto._handlers.GLOBAL_REQUEST!(proto, "keepalive@openssh.com", true, undefined);
    expect(sent).toEqual([]);
  });

  it("a client without ssh2's internals is left as it is", () => {
    const c = { _protocol: undefined };
    expect(() => promptAcks(c)).not.toThrow();
  });
});
