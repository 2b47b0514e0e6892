/**
 * TEST DOUBLE — emulated ikectl(8) of the lab: `load FILE`, `reload`, `show sa` (minimal).
 *
 * ikectl talks to the running iked over /var/run/iked.sock; with no iked running it fails like ikectl does
 * (`ikectl: connect: /var/run/iked.sock: No such file or directory`). `reload` re-reads the file iked was
 * started with, `load FILE` another file; ikectl prints nothing and iked logs errors, so an invalid file
 * leaves the loaded policies in place (the lab's choice; the real iked logs and may be left without policies).
 * `show sa` prints one line per child SA pair iked negotiated (an emulator summary, not iked's format).
 */
import type { Command, Io } from "../command";
import { getopt } from "../ipsec-getopt";
import { gatewayName, readState, withState, type ServiceTable } from "../state";
import { emptyIked, type IkedState } from "../ike-iked";
import { ikedView } from "../ike-state";
import { checkIkedConf } from "./iked";

function usage(io: Io): number {
  io.err("usage: ikectl [-q] [-s socket] command [argument ...]\n");
  return 1;
}

const ikectl: Command = async (io) => {
  const g = getopt("ikectl", io.argv, "qs:");
  if (!g.ok) {
    io.err(g.error);
    return usage(io);
  }
  if (!g.rest.length) return usage(io);
  const sock = g.opts.find((o) => o.ch === "s")?.arg ?? "/var/run/iked.sock";
  const run = (await readState<ServiceTable>("services", () => ({ running: {} }))).running.iked;
  const [cmd, ...args] = g.rest;
  const known = ["load", "reload", "show"];
  if (!known.some((k) => k.startsWith(cmd!))) {
    io.err(`unknown argument: ${cmd}\nvalid commands/args:\n  ${known.join("\n  ")}\n`);
    return 1;
  }
  if (!run) {
    io.err(`ikectl: connect: ${sock}: No such file or directory\n`);
    return 1;
  }
  if ("load".startsWith(cmd!) && cmd !== "l") {
    if (args.length !== 1) return usage(io);
    return load(io, args[0]!, run.since);
  }
  if ("reload".startsWith(cmd!)) {
    const st = await readState<IkedState>("iked", emptyIked);
    return load(io, st.startFile ?? "/etc/iked.conf", run.since);
  }
  if (args.join(" ") !== "sa") {
    io.err(`ikectl: emulator: show ${args.join(" ")} is not emulated by the lab\n`);
    return 1;
  }
  const k = await ikedView(gatewayName());
  for (const sa of [...k.sas].sort((a, b) => a.spi - b.spi)) io.out(`iked_sas: ${sa.line}\n`);
  return 0;
};

async function load(io: Io, file: string, since: string): Promise<number> {
  const r = await checkIkedConf(io, file, false);
  if (r.rc !== 0) return 0;
  await withState<IkedState>("iked", emptyIked, (st) => ({ ...st, since, conf: { file, text: r.text } }));
  return 0;
}

export default ikectl;
