/**
 * The stand-in language host's GenerateProgram: PCL as `pulumi import` writes it (captured from a real import of
 * a lab gateway, key and host key replaced) → TypeScript in the style of Pulumi's nodejs codegen.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parsePcl } from "../../../tools/language-host/pcl";
import { generateTypeScript } from "../../../tools/language-host/generate-typescript";

const captured = readFileSync(path.join(__dirname, "../../fixtures/pcl/import-gateway-config.pp"), "utf8");

describe("parsePcl", () => {
  it("reads the PCL of a real import: one resource, its attributes, secrets and options; the package block is skipped", () => {
    const [r, ...rest] = parsePcl(captured);
    expect(rest).toEqual([]);
    expect(r!.name).toBe("gw1");
    expect(r!.token).toBe("openbsd:index:GatewayConfig");
    expect(r!.attributes.map(([k]) => k)).toEqual(["connection", "state"]);
    expect(r!.options).toEqual([["protect", { kind: "bool", value: true }]]);
    const conn = r!.attributes[0]![1];
    expect(conn).toEqual({
      kind: "object",
      entries: [
        ["host", { kind: "string", value: "169.254.100.3" }],
        ["hostKey", { kind: "string", value: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEHOSTKEY" }],
        ["privateKey", { kind: "call", name: "secret", args: [{ kind: "string", value: "-----BEGIN OPENSSH PRIVATE KEY-----\nFAKEKEY\n-----END OPENSSH PRIVATE KEY-----" }] }],
      ],
    });
  });
  it("reads heredocs (plain and indented), escaped interpolations, numbers, lists and null", () => {
    const src = 'resource a "openbsd:index:LocalFile" {\n  path = "/tmp/$${x}"\n  content = <<-EOT\n    one\n      two\n    EOT\n  n = [1, -2.5, null, "\\u00e9"]\n  raw = <<EOT\nkeep  \nEOT\n}\n';
    const [r] = parsePcl(src);
    expect(r!.attributes).toEqual([
      ["path", { kind: "string", value: "/tmp/${x}" }],
      ["content", { kind: "string", value: "one\n  two\n" }],
      ["n", { kind: "list", items: [{ kind: "number", value: 1 }, { kind: "number", value: -2.5 }, { kind: "null" }, { kind: "string", value: "é" }] }],
      ["raw", { kind: "string", value: "keep  \n" }],
    ]);
  });
  it("refuses what is outside the subset, naming file, line and what was found", () => {
    expect(() => parsePcl('config x "string" {\n}\n')).toThrow("main.pp:1: unsupported block `config`; the stand-in language host generates code only for resource blocks of literals");
    expect(() => parsePcl('resource a "openbsd:index:LocalFile" {\n  path = other.path\n}\n')).toThrow("main.pp:2: unsupported expression `other` (references are not supported); the stand-in language host generates code only for resource blocks of literals");
    expect(() => parsePcl('resource a "openbsd:index:LocalFile" {\n  path = "a${b}"\n}\n')).toThrow("main.pp:2: template interpolation is not supported");
    expect(() => parsePcl('resource a "openbsd:index:LocalFile" {\n  path = "a\n')).toThrow("main.pp:2: unterminated string");
  });
});

describe("generateTypeScript", () => {
  it("writes the imports, one `new openbsd.Type` per resource, secrets as pulumi.secret and the options", () => {
    const src = 'resource my-file "openbsd:index:LocalFile" {\n  path = "/tmp/x"\n  content = secret("a\\"b\\n")\n  meta = { "a-b" = [true, 2], c = {} }\n  options {\n    protect = true\n  }\n}\n';
    expect(generateTypeScript(parsePcl(src))).toBe(
      [
        'import * as pulumi from "@pulumi/pulumi";',
        'import * as openbsd from "pulumi-openbsd";',
        "",
        'const myFile = new openbsd.LocalFile("my-file", {',
        '    path: "/tmp/x",',
        '    content: pulumi.secret("a\\"b\\n"),',
        "    meta: {",
        '        "a-b": [',
        "            true,",
        "            2,",
        "        ],",
        "        c: {},",
        "    },",
        "}, {",
        "    protect: true,",
        "});",
        "",
      ].join("\n"),
    );
  });
  it("turns the captured import into a program that keeps every secret wrapped, and the SSH key out of the source", () => {
    const code = generateTypeScript(parsePcl(captured));
    expect(code).toContain('const gw1 = new openbsd.GatewayConfig("gw1", {\n    connection: {\n        host: "169.254.100.3",\n');
    expect(code).toContain('        privateKey: new pulumi.Config("openbsd").requireSecret("privateKey"),\n');
    expect(code).not.toContain("PRIVATE KEY");
    expect(code).toContain('content: pulumi.secret("ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 psk \\"old-psk-made-by-hand\\"\\n"),');
    expect(code.endsWith("}, {\n    protect: true,\n});\n")).toBe(true);
  });
  it("refuses types and functions it does not know", () => {
    expect(() => generateTypeScript(parsePcl('resource a "aws:s3:Bucket" {\n}\n'))).toThrow("resource a: type aws:s3:Bucket is not supported; the stand-in language host knows openbsd:index:*");
    expect(() => generateTypeScript(parsePcl('resource a "openbsd:index:LocalFile" {\n  p = fileAsset("x")\n}\n'))).toThrow("function fileAsset(…) with 1 argument(s) is not supported; the stand-in language host knows secret(value)");
  });
});
