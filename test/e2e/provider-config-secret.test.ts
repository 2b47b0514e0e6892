/**
 * `openbsd:privateKey` set WITHOUT `--secret`, through the real engine: the provider's configuration is stored in
 * the state (the default provider's inputs and outputs), and the key must be ciphertext there as the schema says
 * (`secret: true`), which the engine applies only through the plugin's CheckConfig (providers/config.ts). No lab:
 * a LocalFile is enough to make the engine configure the default provider.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { LocalFile } from "../../sdk/resources/local-file";
import { labStack, destroyAndRemove } from "../support/stack";
import { exportWithoutSecrets, forms, leaks } from "../support/secrets";
import { TEST_PRIVATE_KEY } from "../support/ssh-key";

const dir = mkdtempSync(path.join(os.tmpdir(), "pob-cfgkey-"));
let stack: Stack;

const program = async () => {
  new LocalFile("motd", { path: path.join(dir, "motd"), content: "hello\n" });
};

beforeAll(async () => {
  stack = await labStack("config-secret", `cfg${process.pid}`, program, { "openbsd:privateKey": { value: TEST_PRIVATE_KEY } });
});
afterAll(async () => {
  await destroyAndRemove(stack);
  rmSync(dir, { recursive: true, force: true });
});

describe("openbsd:privateKey set without --secret", () => {
  it("is a secret in the default provider's state after up: `pulumi stack export` shows no line of it", async () => {
    expect((await stack.getConfig("openbsd:privateKey")).secret).toBe(false);
    const u = await stack.up();
    expect(u.summary.result).toBe("succeeded");
    const exported = await exportWithoutSecrets(stack);
    expect(exported).toContain("pulumi:providers:openbsd");
    expect(forms(TEST_PRIVATE_KEY).length).toBeGreaterThan(1);
    expect(leaks("stack export", exported, { "openbsd:privateKey": TEST_PRIVATE_KEY })).toEqual([]);
    // the engine still hands the plugin the key: the provider's state holds it, encrypted
    const provider = (await stack.exportStack()).deployment.resources.find((r: { type: string }) => r.type === "pulumi:providers:openbsd");
    expect(JSON.stringify(provider.inputs.privateKey)).toContain("4dabf18193072939515e22adb298388d");
  });
});
