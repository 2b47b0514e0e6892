/**
 * ipsec.conf parse and render throughput on generated files of 10,000 and 20,000 ike rules
 * (each rule: a /24 pair, peer, main+quick transforms, psk, tag; written with continuation lines).
 * Prints `name: value unit` lines; the 20,000-rule run shows whether the cost is linear.
 */
import { performance } from "node:perf_hooks";
import { parseIpsecConf, renderIpsecConf } from "../sdk/model/ipsec";

/** `n` rules whose addresses start at rule number `offset` (so that each run parses addresses not seen before). */
function generate(n: number, offset: number): string {
  const lines: string[] = ['psk_all = "bench-secret"'];
  for (let j = 0; j < n; j++) {
    const i = j + offset;
    const a = (i >> 16) & 255;
    const b = (i >> 8) & 255;
    const c = i & 255;
    lines.push(
      `ike esp from ${10 + a}.${b}.${c}.0/24 to ${100 + a}.${b}.${c}.0/24 \\\n` +
        `\tpeer 192.${a}.${b}.${c} \\\n` +
        `\tmain auth hmac-sha2-256 enc aes-256 group modp2048 \\\n` +
        `\tquick auth hmac-sha2-256 enc aes-128 group ecp256 lifetime 30m \\\n` +
        `\tpsk $psk_all tag t${i}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function best(runs: number, f: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

export default async function bench(): Promise<void> {
  // warm up the JIT on a file whose addresses are not used below
  parseIpsecConf(generate(2_000, 5_000_000), "warmup.conf");
  let offset = 0;
  for (const n of [10_000, 20_000]) {
    const text = generate(n, offset);
    offset += n;
    // cold: every address is new (ip-num parses it); warm: best of 3 re-parses (addresses memoised)
    let conf = parseIpsecConf(text, "bench.conf").value;
    const fresh = generate(n, offset);
    const coldMs = best(1, () => {
      conf = parseIpsecConf(fresh, "bench.conf").value;
    });
    offset += n;
    if (conf.statements.length !== n) throw new Error(`bench: parsed ${conf.statements.length} rules, expected ${n}`);
    const parseMs = best(3, () => {
      conf = parseIpsecConf(text, "bench.conf").value;
    });
    let out = "";
    const renderMs = best(3, () => {
      out = renderIpsecConf(conf);
    });
    if (out.split("\n").length !== n + 1) throw new Error("bench: render lost rules");
    console.log(`ipsec.parse.cold.${n}: ${Math.round(n / (coldMs / 1000))} rules/s`);
    console.log(`ipsec.parse.${n}: ${Math.round(n / (parseMs / 1000))} rules/s`);
    console.log(`ipsec.render.${n}: ${Math.round(n / (renderMs / 1000))} rules/s`);
    console.log(`ipsec.parse.${n}.time: ${parseMs.toFixed(1)} ms`);
    console.log(`ipsec.render.${n}.time: ${renderMs.toFixed(1)} ms`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
