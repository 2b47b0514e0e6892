/**
 * The subset of PCL (Pulumi's HCL-based program language) that `pulumi import` writes for our resources, parsed
 * into a small tree: `resource NAME "TOKEN" { attr = expr … options { attr = expr … } }` blocks whose expressions
 * are string/number/bool/null literals, heredoc strings, object and list literals, and calls such as `secret(…)`.
 * Anything else is rejected with the line and what was found, never guessed at.
 */

/** A PCL expression of the supported subset. */
export type Expr =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  | { kind: "list"; items: Expr[] }
  | { kind: "object"; entries: [string, Expr][] }
  | { kind: "call"; name: string; args: Expr[] };

/** One `resource` block. */
export interface PclResource {
  name: string;
  token: string;
  attributes: [string, Expr][];
  options: [string, Expr][];
}

export class PclError extends Error {}

export function parsePcl(src: string, file = "main.pp"): PclResource[] {
  let i = 0;
  let line = 1;
  const err = (what: string): never => {
    throw new PclError(`${file}:${line}: ${what}; the stand-in language host generates code only for resource blocks of literals`);
  };
  const skip = (newlines: boolean) => {
    for (;;) {
      const c = src[i];
      if (c === " " || c === "\t" || c === "\r") i++;
      else if (c === "\n" && newlines) (i++, line++);
      else if ((c === "#" || (c === "/" && src[i + 1] === "/")) && i < src.length) while (i < src.length && src[i] !== "\n") i++;
      else return;
    }
  };
  const peek = (newlines = true) => (skip(newlines), src[i]);
  const expect = (s: string) => {
    skip(true);
    if (!src.startsWith(s, i)) err(`expected \`${s}\`, found \`${src.slice(i, i + 20).split("\n")[0]}\``);
    i += s.length;
  };
  const ident = (): string => {
    skip(true);
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 200));
    if (!m) return err(`expected a name, found \`${src.slice(i, i + 20).split("\n")[0]}\``);
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string => {
    expect('"');
    let out = "";
    for (;;) {
      const c = src[i];
      if (c === undefined || c === "\n") return err("unterminated string");
      i++;
      if (c === '"') return out;
      if (c === "\\") {
        const e = src[i++];
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
        if (e !== undefined && e in simple) out += simple[e];
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(src.slice(i, i + 4))) (out += String.fromCharCode(parseInt(src.slice(i, i + 4), 16))), (i += 4);
        else if (e === "U" && /^[0-9a-fA-F]{8}$/.test(src.slice(i, i + 8))) (out += String.fromCodePoint(parseInt(src.slice(i, i + 8), 16))), (i += 8);
        else err(`unsupported escape \\${e}`);
      } else if ((c === "$" || c === "%") && src[i] === c && src[i + 1] === "{") (out += c + "{"), (i += 2);
      else if ((c === "$" || c === "%") && src[i] === "{") err("template interpolation is not supported");
      else out += c;
    }
  };
  const heredoc = (): string => {
    expect("<<");
    const indent = src[i] === "-";
    if (indent) i++;
    const tag = ident();
    if (src[i] === "\r") i++;
    if (src[i] !== "\n") err("expected a newline after the heredoc marker");
    i++;
    line++;
    const lines: string[] = [];
    for (;;) {
      if (i >= src.length) return err(`unterminated heredoc ${tag}`);
      const end = src.indexOf("\n", i);
      const l = src.slice(i, end < 0 ? src.length : end);
      i = end < 0 ? src.length : end + 1;
      line++;
      if (l.trim() === tag) break;
      if (/[$%]\{/.test(l.replace(/([$%])\1\{/g, ""))) err("template interpolation is not supported");
      lines.push(l.replace(/([$%])\1\{/g, "$1{"));
    }
    if (indent) {
      const n = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^[ \t]*/.exec(l)![0].length));
      return lines.map((l) => l.slice(Number.isFinite(n) ? n : 0)).join("\n") + (lines.length ? "\n" : "");
    }
    return lines.join("\n") + (lines.length ? "\n" : "");
  };
  const sep = () => {
    skip(false);
    if (src[i] === ",") i++;
  };
  const expr = (): Expr => {
    const c = peek();
    if (c === '"') return { kind: "string", value: quoted() };
    if (c === "<" && src[i + 1] === "<") return { kind: "string", value: heredoc() };
    if (c === "[") {
      i++;
      const items: Expr[] = [];
      while (peek() !== "]") {
        if (i >= src.length) err("unterminated list");
        items.push(expr());
        if (peek() === ",") i++;
        else if (peek() !== "]") err("expected `,` or `]` in a list");
      }
      i++;
      return { kind: "list", items };
    }
    if (c === "{") {
      i++;
      const entries: [string, Expr][] = [];
      while (peek() !== "}") {
        if (i >= src.length) err("unterminated object");
        const key = peek() === '"' ? quoted() : ident();
        skip(false);
        if (src[i] === "=" || src[i] === ":") i++;
        else err(`expected \`=\` after ${key}`);
        entries.push([key, expr()]);
        sep();
      }
      i++;
      return { kind: "object", entries };
    }
    const num = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(src.slice(i, i + 100));
    if (num) {
      i += num[0].length;
      return { kind: "number", value: Number(num[0]) };
    }
    const name = ident();
    if (name === "true" || name === "false") return { kind: "bool", value: name === "true" };
    if (name === "null") return { kind: "null" };
    if (peek(false) === "(") {
      i++;
      const args: Expr[] = [];
      while (peek() !== ")") {
        if (i >= src.length) err(`unterminated call to ${name}`);
        args.push(expr());
        if (peek() === ",") i++;
        else if (peek() !== ")") err(`expected \`,\` or \`)\` in the call to ${name}`);
      }
      i++;
      return { kind: "call", name, args };
    }
    return err(`unsupported expression \`${name}\` (references are not supported)`);
  };
  const body = (): [string, Expr][] => {
    const out: [string, Expr][] = [];
    expect("{");
    while (peek() !== "}") {
      if (i >= src.length) err("unterminated block");
      const key = ident();
      expect("=");
      out.push([key, expr()]);
    }
    i++;
    return out;
  };
  const resources: PclResource[] = [];
  while (peek() !== undefined) {
    const kw = ident();
    if (kw === "package") {
      // `package openbsd { baseProviderName = "openbsd" … }`: which plugin serves the package; nothing to emit
      ident();
      body();
      continue;
    }
    if (kw !== "resource") err(`unsupported block \`${kw}\``);
    const name = ident();
    const token = quoted();
    const attributes: [string, Expr][] = [];
    let options: [string, Expr][] = [];
    expect("{");
    while (peek() !== "}") {
      if (i >= src.length) err(`unterminated resource ${name}`);
      const key = ident();
      if (key === "options" && peek() === "{") options = body();
      else {
        expect("=");
        attributes.push([key, expr()]);
      }
    }
    i++;
    resources.push({ name, token, attributes, options });
  }
  return resources;
}
