/**
 * pf language throughput: parse and render of an anchor of 10,000 and 20,000 rules (rendering
 * should scale linearly: compare the two rules/second figures). Prints `name: value unit` lines.
 */
import { performance } from "node:perf_hooks";
import { expandRules, formatStatement, parsePf, renderPfConf } from "../sdk/model/pf";
import { GOLDEN_INTERFACES } from "../test/lab/emu/pfctl-nv";

function anchorText(n: number): string {
  const lines = ['ext_if = "em1"'];
  for (let i = 0; i < n; i++) {
    const peer = `198.${51 + ((i >> 16) & 7)}.${(i >> 8) & 255}.${i & 255}`;
    switch (i % 4) {
      case 0:
        lines.push(`pass in quick on $ext_if proto udp from ${peer} to ($ext_if) port 500`);
        break;
      case 1:
        lines.push(`pass in quick on $ext_if proto esp from ${peer} to ($ext_if)`);
        break;
      case 2:
        lines.push(`pass in on enc0 proto ipencap from ${peer} to ($ext_if) keep state (if-bound)`);
        break;
      default:
        lines.push(`pass out on enc0 proto tcp from em0:network to ${peer} port 443 keep state (if-bound) tag VPN${i % 7}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Median wall time of 5 runs after a warm-up, in seconds. */
function time(f: () => void): number {
  f();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    runs.push(performance.now() - t0);
  }
  return runs.sort((a, b) => a - b)[2] / 1000;
}

export default async function bench(): Promise<void> {
  for (const n of (process.env.PF_BENCH_SIZES ?? "10000,20000").split(",").map(Number)) {
    const text = anchorText(n);
    const parsed = parsePf(text, "bench.conf", { interfaces: GOLDEN_INTERFACES });
    if (parsed.diagnostics.length > 0) throw new Error(`bench input does not parse: ${parsed.diagnostics[0].message}`);
    const rules = expandRules(parsed.value, GOLDEN_INTERFACES);
    const parse = time(() => parsePf(text, "bench.conf", { interfaces: GOLDEN_INTERFACES }));
    const renderConf = time(() => renderPfConf(parsed.value));
    const expand = time(() => expandRules(parsed.value, GOLDEN_INTERFACES));
    const renderSr = time(() => rules.map(formatStatement).join("\n"));
    console.log(`pf.parse.${n}: ${Math.round(n / parse)} rules/s`);
    console.log(`pf.render_conf.${n}: ${Math.round(n / renderConf)} rules/s`);
    console.log(`pf.expand.${n}: ${Math.round(n / expand)} rules/s`);
    console.log(`pf.render_canonical.${n}: ${Math.round(rules.length / renderSr)} rules/s`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
