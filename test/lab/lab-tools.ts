/**
 * The gateways' base tools: GNU coreutils, grep and diffutils built by `scripts/lab-tools.sh` from Debian's source of
 * the installed versions, statically with musl, as OpenBSD links its /bin statically. The lab lays them over each
 * gateway's /usr/bin, under the emulated commands and above the machine's own programs (api.ts).
 *
 * Why: every script the provider runs on a gateway starts dozens of them (`cat`, `ls`, `cmp`, `printf`, `mv` …), and
 * a dynamic glibc program costs this VM ~1 ms of CPU per start (its loader, and glibc's start-up asking the CPU
 * about its caches, a trap to the hypervisor each), a static musl one ~0.2 ms (measured: `ls -ld` 1.23 → 0.27 ms,
 * `cat` 0.98 → 0.18 ms). They are the same programs at the same versions: what they print and how they fail stay.
 * When they are not built (no deb-src on the mirror, no musl-gcc), the gateways run the machine's programs.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let dir: string | null | undefined;

/** The folder of the built tools (`scripts/lab-tools.sh --cached`), or undefined when they are not built. */
export function labToolsDir(): string | undefined {
  if (dir === undefined) {
    const script = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "scripts", "lab-tools.sh");
    const r = spawnSync("bash", [script, "--cached"], { encoding: "utf8" });
    const out = r.status === 0 ? r.stdout.trim() : "";
    dir = out && existsSync(join(out, ".complete")) ? out : null;
  }
  return dir ?? undefined;
}
