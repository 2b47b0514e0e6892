/**
 * TEST DOUBLE — one-shot entry point of the OpenBSD userland emulator: `tsx main.ts NAME ARGS…` runs `cmd/NAME.ts`
 * in a process of its own. Lab gateways normally use the resident emulator instead (`server.ts`, one per gateway,
 * reached by the thin client `client.c`); this entry point remains for a lab built without a C compiler and for
 * running a command by hand.
 */
import { dispatch } from "./dispatch";

const [name, ...argv] = process.argv.slice(2);
let stdinText: Promise<string> | undefined;
function readStdin(): Promise<string> {
  stdinText ??= new Promise((resolve, reject) => {
    if (process.stdin.isTTY) return resolve("");
    const chunks: Buffer[] = [];
    process.stdin.on("data", (c: Buffer) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
  return stdinText;
}

const code = await dispatch(name, {
  argv,
  stdin: readStdin,
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
});
// flush before exit
await new Promise<void>((r) => process.stdout.write("", () => r()));
await new Promise<void>((r) => process.stderr.write("", () => r()));
process.exit(code);
