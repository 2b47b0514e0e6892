/**
 * providers/transport/coalesce-writes.ts: the pieces ssh2 hands its socket for each packet (length, payload, MAC),
 * and the packets written in the same turn of the event loop, leave in one write(2). Measured here on a real ssh2
 * client connected over loopback to ssh2's own server: a whole session (key exchange, public-key login, one exec with
 * its script on stdin) is flushed to the kernel in far fewer writes than ssh2 makes, and the command's output and
 * exit status come back unchanged. An ssh2 release that moves its socket fails here instead of silently bringing back
 * the ~40 segments per read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo, Socket } from "node:net";
import { createRequire } from "node:module";
import { coalesceWrites } from "../../../providers/transport/coalesce-writes";
import { testKeyPair } from "../../support/ssh-key";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ssh2 = require("ssh2") as typeof import("ssh2");

const hostKey = testKeyPair("ed25519");
const userKey = testKeyPair("ecdsa", { bits: 256 });
let server: InstanceType<typeof ssh2.Server>;
let port = 0;

beforeAll(async () => {
  server = new ssh2.Server({ hostKeys: [hostKey.private] }, (conn) => {
    conn.on("authentication", (ctx) => (ctx.method === "publickey" ? ctx.accept() : ctx.reject(["publickey"])));
    conn.on("session", (accept) => {
      accept().on("exec", (acc) => {
        const ch = acc();
        let input = "";
        ch.on("data", (d: Buffer) => (input += d.toString()));
        ch.on("end", () => {
          ch.write(`got ${input.length} bytes\n`);
          ch.exit(3);
          ch.end();
        });
      });
    });
    conn.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** One session through ssh2's client: connect, log in, exec with `script` on stdin; counts the socket's writes. */
function session(coalesce: boolean, script: string): Promise<{ out: string; code: number; writes: number; flushes: number }> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let writes = 0;
    let flushes = 0;
    client.on("ready", () => {
      client.exec("sh -s", (err, stream) => {
        if (err) return reject(err);
        let out = "";
        stream.on("data", (d: Buffer) => (out += d.toString()));
        stream.on("exit", (code: number) => {
          stream.on("close", () => {
            client.end();
            resolve({ out, code, writes, flushes });
          });
        });
        stream.end(script);
      });
    });
    client.on("error", reject);
    client.connect({ host: "127.0.0.1", port, username: "root", privateKey: userKey.private });
    const sock = (client as unknown as { _sock: Socket & { _write: Function; _writev: Function } })._sock;
    // what reaches the kernel: one _write or _writev per flush, whatever the number of write() calls before it
    for (const m of ["_write", "_writev"] as const) {
      const f = sock[m];
      sock[m] = function (this: Socket, ...a: unknown[]) {
        flushes++;
        return f.apply(this, a);
      };
    }
    const w = sock.write;
    sock.write = function (this: Socket, ...a: Parameters<Socket["write"]>) {
      writes++;
      return (w as (...x: unknown[]) => boolean).apply(this, a);
    } as Socket["write"];
    if (coalesce) coalesceWrites(client);
  });
}

describe("coalesced SSH writes", () => {
  const script = "echo hi\n".repeat(400);

  it("ssh2's client still keeps its socket where the coalescing looks for it", () => {
    const client = new ssh2.Client();
    client.on("error", () => {});
    client.connect({ host: "127.0.0.1", port: 1, username: "x", privateKey: userKey.private });
    const sock = (client as unknown as { _sock?: Socket })._sock;
    expect(typeof sock?.cork).toBe("function");
    const before = sock!.write;
    coalesceWrites(client);
    expect(sock!.write).not.toBe(before);
    client.end();
  });

  it("a whole session reaches the kernel in under half the writes ssh2 makes, with the same output and status", async () => {
    const plain = await session(false, script);
    const merged = await session(true, script);
    expect(plain.flushes).toBe(plain.writes);
    expect(merged.writes).toBe(plain.writes);
    expect(merged.flushes).toBeLessThan(merged.writes / 2);
    expect(merged.out).toBe(`got ${script.length} bytes\n`);
    expect(merged.code).toBe(3);
    expect(plain).toMatchObject({ out: merged.out, code: 3 });
  });
});
