/** Benchmarks for the iked.conf model and the `iked -n` double: prints `name: value unit` lines. */
import { performance } from "node:perf_hooks";
import { lintIkedConf, parseIkedConf, renderIkedConf, type IkedConf } from "../sdk/model/iked";
import { ikedN } from "../test/lab/emu/iked-n";

function conf(n: number): IkedConf {
  return {
    macros: [],
    settings: [],
    users: [],
    policies: Array.from({ length: n }, (_, i) => ({
      name: `gw${i}`,
      mode: "active" as const,
      encapsulation: "tunnel" as const,
      saProto: "esp" as const,
      flows: [{ from: `10.${i >> 8}.${i & 255}.0/24`, to: "10.255.0.0/24" }],
      local: "192.0.2.1",
      peer: `198.51.${i >> 8}.${(i & 255) + 1}`,
      ikesa: [{ enc: ["aes-256"], prf: ["hmac-sha2-256"], auth: ["hmac-sha2-256"], group: ["ecp256"] }],
      childsa: [{ enc: ["aes-256-gcm"], group: ["ecp256"] }],
      auth: { kind: "psk" as const, value: `secret-${i}` },
    })),
  };
}

const time = (f: () => void, reps = 20): number => {
  f();
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t) / reps;
};

export default async function bench(): Promise<void> {
  const c = conf(200);
  const text = renderIkedConf(c);
  console.log(`iked.render.200-policies: ${time(() => renderIkedConf(c)).toFixed(2)} ms`);
  console.log(`iked.parse.200-policies: ${time(() => parseIkedConf(text)).toFixed(2)} ms`);
  console.log(`iked.lint.200-policies: ${time(() => lintIkedConf(text)).toFixed(2)} ms`);
  console.log(`iked.emulator-nv.200-policies: ${time(() => ikedN(text, "iked.conf", { verbose: true })).toFixed(2)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
