/**
 * TEST DOUBLE: the lab's `sasyncd [-d] [-v…] -n -c FILE` (sasyncd.c 1.28 main(), conf.y 1.22), printing
 * what the real one prints. With `-d`, log_msg(level ≤ verbosity) and log_err go to stderr; without it they
 * go to syslog (nothing printed). yyerror and the startup checks always write to stderr. log_err appends
 * `: ` and the errno string, which is platform dependent (`Success` on the recording host). `hangs`: the real
 * sasyncd never returns (a peer named twice, then another one: conf.y walks its looped peer list forever).
 */
import { parseSasyncdConfDetailed } from "../../../sdk/model/sasyncd";

/** Runs the emulated check; `mode` is the file's permission bits (default 0600). */
export function sasyncdN(text: string, file: string, opts: { debug: boolean; verbosity: number; mode?: number }): { stdout: string; stderr: string; rc: number; hangs?: true; peerLoop?: true } {
  let err = "";
  const log = (level: number, msg: string): void => {
    if (opts.debug && level <= opts.verbosity) err += `${msg}\n`;
  };
  if ((opts.mode ?? 0o600) & 0o077) {
    log(0, "configuration file has bad owner, type or mode");
    log(0, `failed to open "${file}"`);
    return { stdout: "", stderr: err, rc: 1 };
  }
  const r = parseSasyncdConfDetailed(text, file);
  for (const ev of r.events) {
    switch (ev.kind) {
      case "log":
        log(ev.level, ev.text);
        break;
      case "err":
        if (opts.debug) err += `sasyncd: ${ev.text}: Success\n`;
        break;
      case "yyerror":
        err += `config: ${ev.text}\n`;
        break;
    }
  }
  // a peer named twice, then another: conf.y searches its looped peer list forever (what was printed stays)
  if (r.hangs) return { stdout: "", stderr: err, rc: 1, hangs: true };
  if (!r.ok) return { stdout: "", stderr: err, rc: 1 };
  if (!r.value.sharedkey) return { stdout: "", stderr: `${err}config: no shared key specified, cannot continue\n`, rc: 1 };
  if (!r.value.interface) return { stdout: "", stderr: `${err}config: no carp interface specified, cannot continue\n`, rc: 1 };
  // a peer named twice: -n says OK, the started daemon loops walking its peer list
  return { stdout: "", stderr: `${err}configuration OK\n`, rc: 0, ...(r.peerLoop ? { peerLoop: true as const } : {}) };
}
