/**
 * `pulumi-openbsd lint [--kind K] FILE…`: prints one `file:line:col: message` per problem on stdout,
 * exits 1 if any error was found, 0 otherwise (warnings alone keep 0), 2 on usage errors or an
 * unreadable file (after printing why on stderr). `-` reads standard input and needs `--kind`.
 *
 * For a real file, the mode is checked the way the daemon checks it (see modes.ts).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { formatDiagnostic } from "../model/diagnostics";
import { visible } from "../model/tokens/refusal";
import { kindOf, LINT_KINDS, parseKind, unknownKindMessage, type LintKind } from "./kinds";
import { hasErrors, lintFile } from "./lint";

/** The usage text printed on usage errors and for `--help`. */
export const USAGE = `usage: pulumi-openbsd lint [--kind KIND] FILE...
  Checks OpenBSD configuration files the way their tools do, and the file modes the daemons enforce.
  KIND is told from the file name when not given: ${LINT_KINDS.join(", ")}
  (ipsec.conf, iked.conf, pf.conf or a pf anchor (*.pf, pf.*.conf, pf.anchors/*), hostname.IF,
  sasyncd.conf, sysctl.conf, rc.conf.local). FILE - reads standard input (needs --kind).
  Exit status: 0 no errors, 1 errors found, 2 usage error or unreadable file.
       pulumi-openbsd --version`;

/** What the CLI touches; replaced in tests. */
export interface CliIo {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Reads a file (or standard input for `-`) as UTF-8. */
  read(path: string): string;
  /** The `st_mode` of a real file, or undefined (standard input). */
  mode(path: string): number | undefined;
  /** Reads a file the linted file names (ipsec.conf `include`, pf table `file`, pf `load anchor … from`); undefined when unreadable. */
  include?(path: string): string | { error: string } | undefined;
}

/** The real process I/O. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  read: (path) => readBounded(path),
  mode: (path) => (path === "-" ? undefined : statSync(path).mode),
  include: readNamedFile,
};

/** The largest file a linted file may name that lint reads (pf tables of a few hundred thousand lines). */
const NAMED_FILE_MAX = 64 * 1024 * 1024;

/** A file too large to be a configuration file; `message` says so for `cannot read (…)`. */
class TooLarge extends Error {}

/**
 * Reads FILE (standard input for `-`) as UTF-8, at most {@link NAMED_FILE_MAX} bytes: a pipe or process substitution
 * (`<(…)`) is read to its end as any file, but a path that never ends (`/dev/zero`, `/dev/urandom`) or a huge log
 * given by mistake stops with an error instead of filling memory.
 */
function readBounded(path: string): string {
  const fd = path === "-" ? 0 : openSync(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        // standard input left non-blocking by whoever shares it: wait a little for more
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (n === 0) break;
      total += n;
      if (total > NAMED_FILE_MAX) throw new TooLarge(`larger than ${NAMED_FILE_MAX / 1024 / 1024} MiB: not a configuration file`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString("utf8");
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/**
 * Reads a file the linted file names (the path as written, as pfctl/ipsecctl open it). Only a regular
 * file up to {@link NAMED_FILE_MAX} is read, and /dev/null (empty): another device or a FIFO (`file "/dev/zero"`)
 * would never end, so it counts as unreadable. Undefined when unreadable; a directory or a file lint may not read says so (as pfctl prints it).
 */
function readNamedFile(path: string): string | { error: string } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (st.isDirectory()) return { error: "Is a directory" };
    if (st.isCharacterDevice() && st.rdev === statSync("/dev/null").rdev) return "";
    if (!st.isFile() || st.size > NAMED_FILE_MAX) return undefined;
    return readFileSync(fd, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "EISDIR" ? { error: "Is a directory" } : code === "EACCES" ? { error: "Permission denied" } : undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function usageError(io: CliIo, message: string): number {
  io.err(`pulumi-openbsd lint: ${message}`);
  io.err(USAGE);
  return 2;
}

/** Runs `lint` with the arguments after the subcommand; returns the exit status. */
export function runLint(args: readonly string[], io: CliIo = processIo): number {
  let kind: LintKind | undefined;
  const files: string[] = [];
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (options && a === "--") {
      options = false;
    } else if (options && (a === "-h" || a === "--help")) {
      io.out(USAGE);
      return 0;
    } else if (options && (a === "--kind" || a === "-k" || a.startsWith("--kind="))) {
      const v = a.startsWith("--kind=") ? a.slice("--kind=".length) : args[++i];
      if (v === undefined) return usageError(io, "--kind needs a value");
      kind = parseKind(v);
      if (kind === undefined) return usageError(io, unknownKindMessage(v));
    } else if (options && a.startsWith("-") && a !== "-") {
      return usageError(io, `unknown option \`${a}\``);
    } else {
      files.push(a);
    }
  }
  if (files.length === 0) return usageError(io, "no FILE given");
  if (kind === undefined && files.includes("-")) return usageError(io, "reading standard input (-) needs --kind");
  const unknown = kind === undefined ? files.find((f) => kindOf(f) === undefined) : undefined;
  if (unknown !== undefined) return usageError(io, `${unknown}: cannot tell the kind of file from its name; pass --kind, one of ${LINT_KINDS.join(", ")}`);
  let status = 0;
  for (const file of files) {
    let text: string;
    let mode: number | undefined;
    try {
      text = io.read(file);
      mode = io.mode(file);
    } catch (e) {
      const code = e instanceof TooLarge ? e.message : (e as NodeJS.ErrnoException).code;
      io.err(`pulumi-openbsd lint: ${visible(file)}: cannot read${code === undefined ? "" : ` (${code})`}`);
      status = 2;
      continue;
    }
    const ds = lintFile(file === "-" ? "<stdin>" : file, text, {
      ...(kind === undefined ? {} : { kind }),
      ...(mode === undefined ? {} : { mode }),
      ...(io.include === undefined ? {} : { include: (p: string) => io.include!(p) }),
    });
    // a control character of the file (a CR, a NUL, an escape sequence) quoted in a message is printed escaped (`\r`):
    // raw, it would move the terminal's cursor or rewrite what lint printed before it
    for (const d of ds) io.out(visible(formatDiagnostic(d)));
    if (hasErrors(ds) && status === 0) status = 1;
  }
  return status;
}

/** Runs `pulumi-openbsd SUBCOMMAND …` (only `lint` exists); returns the exit status. */
export function runCli(argv: readonly string[], io: CliIo = processIo): number {
  const [sub, ...rest] = argv;
  if (sub === "lint") return runLint(rest, io);
  if (sub === "-h" || sub === "--help" || sub === "help") {
    io.out(USAGE);
    return 0;
  }
  io.err(sub === undefined ? "pulumi-openbsd: missing subcommand" : `pulumi-openbsd: unknown subcommand \`${sub}\`; one of lint`);
  io.err(USAGE);
  return 2;
}
