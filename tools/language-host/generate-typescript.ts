/**
 * PCL resources (pcl.ts) → a TypeScript program in the style of Pulumi's nodejs code generator for imports:
 * `import * as pulumi from "@pulumi/pulumi"; import * as openbsd from "pulumi-openbsd";` then one
 * `const NAME = new openbsd.Type("NAME", {…}, {…});` per resource, four-space indented.
 */
import { PclError, type Expr, type PclResource } from "./pcl";

/** Package name of a token's first segment → npm module the program imports. */
const MODULES: Record<string, string> = { openbsd: "pulumi-openbsd" };
const OPTIONS = new Set(["protect", "retainOnDelete", "ignoreChanges", "deleteBeforeReplace", "import"]);

/** TypeScript written as is (never from PCL text): a reference the generator puts in place of a value. */
type Gen = Expr | { kind: "code"; code: string };

/**
 * The SSH private key an import read from the `openbsd:privateKey` config: the program refers to that config
 * instead of writing the key into source (Pulumi's generator would inline it, wrapped in `pulumi.secret`).
 * The value is the same, so the generated program still previews clean.
 */
const PRIVATE_KEY_REF: Gen = { kind: "code", code: 'new pulumi.Config("openbsd").requireSecret("privateKey")' };

function withKeyReference(token: string, attributes: [string, Expr][]): [string, Gen][] {
  if (token !== "openbsd:index:GatewayConfig") return attributes;
  return attributes.map(([k, v]): [string, Gen] =>
    k === "connection" && v.kind === "object" ? [k, { kind: "object", entries: v.entries.map(([ck, cv]) => [ck, ck === "privateKey" ? (PRIVATE_KEY_REF as Expr) : cv]) }] : [k, v],
  );
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));

function expr(e: Gen, indent: string): string {
  const inner = indent + "    ";
  switch (e.kind) {
    case "code":
      return e.code;
    case "string":
      return JSON.stringify(e.value);
    case "number":
      return String(e.value);
    case "bool":
      return String(e.value);
    case "null":
      return "undefined";
    case "list":
      return e.items.length === 0 ? "[]" : `[\n${e.items.map((x) => `${inner}${expr(x, inner)},\n`).join("")}${indent}]`;
    case "object":
      return e.entries.length === 0 ? "{}" : `{\n${e.entries.map(([k, v]) => `${inner}${key(k)}: ${expr(v, inner)},\n`).join("")}${indent}}`;
    case "call":
      if (e.name === "secret" && e.args.length === 1) return `pulumi.secret(${expr(e.args[0]!, indent)})`;
      throw new PclError(`function ${e.name}(…) with ${e.args.length} argument(s) is not supported; the stand-in language host knows secret(value)`);
  }
}

function camel(name: string): string {
  const c = name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_m, ch: string | undefined) => (ch ?? "").toUpperCase());
  return /^[0-9]/.test(c) ? `_${c}` : c;
}

/** The `index.ts` for these resources. */
export function generateTypeScript(resources: PclResource[]): string {
  const modules = new Map<string, string>();
  const bodies: string[] = [];
  for (const r of resources) {
    const m = /^([a-z][a-z0-9-]*):index:([A-Z][A-Za-z0-9]*)$/.exec(r.token);
    const pkg = m?.[1];
    if (!m || !pkg || !(pkg in MODULES)) throw new PclError(`resource ${r.name}: type ${r.token} is not supported; the stand-in language host knows ${Object.keys(MODULES).map((p) => `${p}:index:*`).join(", ")}`);
    modules.set(pkg, MODULES[pkg]!);
    for (const [k] of r.options) if (!OPTIONS.has(k)) throw new PclError(`resource ${r.name}: option ${k} is not supported; known: ${[...OPTIONS].join(", ")}`);
    const args = expr({ kind: "object", entries: withKeyReference(r.token, r.attributes) as [string, Expr][] }, "");
    const opts = r.options.length ? `, ${expr({ kind: "object", entries: r.options }, "")}` : "";
    bodies.push(`const ${camel(r.name)} = new ${pkg}.${m[2]}(${JSON.stringify(r.name)}, ${args}${opts});\n`);
  }
  const imports = ['import * as pulumi from "@pulumi/pulumi";\n', ...[...modules].map(([p, mod]) => `import * as ${p} from ${JSON.stringify(mod)};\n`)];
  return `${imports.join("")}\n${bodies.join("")}`;
}
