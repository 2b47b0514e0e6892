/**
 * TEST DOUBLE — dispatcher of the OpenBSD userland emulator: `tsx main.ts NAME ARGS…` runs `cmd/NAME.ts`.
 * Inside a lab gateway `/sbin/ifconfig` etc. are wrapper scripts that exec this file.
 */
import { loadCommand } from "./command";

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

const cmd = name ? await loadCommand(name) : undefined;
if (!cmd) {
  process.stderr.write(`emu: ${name ?? ""}: no such emulated command\n`);
  process.exit(127);
}
let code: number;
try {
  code = await cmd({
    argv,
    stdin: readStdin,
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  });
} catch (e) {
  process.stderr.write(`${name}: emulator error: ${(e as Error).stack ?? String(e)}\n`);
  code = 1;
}
// flush before exit
await new Promise<void>((r) => process.stdout.write("", () => r()));
await new Promise<void>((r) => process.stderr.write("", () => r()));
process.exit(code);
