/**
 * The engine starts a language plugin as `pulumi-language-nodejs [--logtostderr] [-v=N] [--tracing URL]
 * ENGINE_ADDR` (Go flag syntax: `-x v`, `--x v`, `-x=v`); newer engines may add `-root DIR`. Pure.
 */
export function parseArgs(argv: string[]): { engine: string; tracing: string } {
  let tracing = "";
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("-")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const flag = (eq < 0 ? a : a.slice(0, eq)).replace(/^--?/, "");
    const takesValue = flag === "tracing" || flag === "root";
    const value = eq >= 0 ? a.slice(eq + 1) : takesValue ? (argv[++i] ?? "") : "";
    if (flag === "tracing") tracing = value;
  }
  return { engine: positional[0] ?? "", tracing };
}
