/**
 * Issue 3: the real Pulumi engine drives the pulumi-resource-openbsd plugin end to end, with the
 * skeleton `LocalFile` resource: up → preview clean → hand edit → refresh reports it → up repairs
 * → import → destroy; a secret input never appears in plaintext in the state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { LocalFile } from "../../sdk/resources/local-file";
import { labStack, removeStack } from "../support/stack";
import { ROOT } from "../support/env";

const dir = mkdtempSync(path.join(os.tmpdir(), "pob-skel-"));
const plainPath = path.join(dir, "motd");
const secretPath = path.join(dir, "psk");
const SECRET = "Sup3r-s3cret-psk-9f1c";
let stack: Stack;
let content = "hello from pulumi\n";
const existingPath = path.join(dir, "existing");
let adopt = false;

const program = async () => {
  const cfg = new pulumi.Config();
  const a = new LocalFile("motd", { path: plainPath, content });
  const b = new LocalFile("psk", { path: secretPath, content: cfg.requireSecret("psk") });
  // `import` resource option: the engine reads the existing file through the provider and adopts it
  if (adopt) new LocalFile("existing", { path: existingPath, content: "already here\n" }, { import: existingPath });
  return { motd: a.path, psk: b.content };
};

beforeAll(async () => {
  stack = await labStack("skeleton", `skel${process.pid}`, program, { psk: { value: SECRET, secret: true } });
});
afterAll(async () => {
  if (stack) await removeStack(stack);
  rmSync(dir, { recursive: true, force: true });
});

describe("the real engine with the openbsd provider plugin", () => {
  it("up creates the files", async () => {
    const r = await stack.up();
    expect(r.summary.result).toBe("succeeded");
    expect(r.summary.resourceChanges?.create).toBe(3); // stack + 2 files
    expect(readFileSync(plainPath, "utf8")).toBe(content);
    expect(readFileSync(secretPath, "utf8")).toBe(SECRET);
  });

  it("preview after up shows no changes", async () => {
    const p = await stack.preview();
    expect(p.changeSummary).toEqual({ same: 3 });
  });

  it("refresh reports a hand edit and up repairs it", async () => {
    writeFileSync(plainPath, "edited by hand\n");
    const r = await stack.refresh();
    expect(r.summary.resourceChanges).toMatchObject({ update: 1, same: 2 });
    // after refresh, the desired content differs from the recorded one: preview shows the detailed diff
    const p = await stack.preview({ diff: true });
    expect(p.changeSummary).toMatchObject({ update: 1 });
    expect(p.stdout).toMatch(/~ content: *\n *- edited by hand\n *\+ hello from pulumi/);
    const u = await stack.up();
    expect(u.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(readFileSync(plainPath, "utf8")).toBe(content);
  });

  it("a changed input updates in place, a changed path would replace", async () => {
    content = "second version\n";
    const u = await stack.up();
    expect(u.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(readFileSync(plainPath, "utf8")).toBe(content);
  });

  it("the state holds no plaintext secret", async () => {
    // the checkpoint as the file backend stores it (exportStack() would decrypt it for us)
    const file = path.join(ROOT, ".state", "backend", ".pulumi", "stacks", "skeleton", `${stack.name}.json`);
    const state = readFileSync(file, "utf8");
    expect(state).toContain("openbsd:index:LocalFile");
    expect(state).not.toContain(SECRET);
    expect(state).toContain("ciphertext");
  });

  it("import adopts an existing file", async () => {
    // `pulumi import` (the CLI command) needs the nodejs language plugin for code generation, which
    // cannot be built here (README, "The engine"); the `import` resource option takes the same path
    // through the provider's read.
    writeFileSync(existingPath, "already here\n");
    adopt = true;
    const r = await stack.up();
    expect(r.summary.resourceChanges).toMatchObject({ import: 1 });
    const p = await stack.preview();
    expect(p.changeSummary).toEqual({ same: 4 });
  });

  it("destroy removes the files", async () => {
    const d = await stack.destroy();
    expect(d.summary.resourceChanges?.delete).toBeGreaterThanOrEqual(3);
    expect(existsSync(plainPath)).toBe(false);
    expect(existsSync(secretPath)).toBe(false);
    expect(existsSync(existingPath)).toBe(false);
  });
});
