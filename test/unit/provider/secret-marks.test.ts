/**
 * What a user marks secret on a GatewayConfig used directly stays secret in what the provider hands the engine
 * (Check's inputs, Read's inputs and outputs): the whole `state`, one file's `content`, a value listed in
 * `state.secrets`. Looked at as `pulumi stack export` shows it: every secret-wrapped value is ciphertext there.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { markSecret, secretPaths } from "../../../providers/secret-marks";
import { isSecret, secret } from "../../../providers/secrets";
import { forgetSecrets, redact } from "../../../providers/redact";
import { gatewayConfig } from "../../../providers/resources/gateway-config";
import type { HostState } from "../../../sdk/state";
import { TEST_PRIVATE_KEY } from "../../support/ssh-key";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXB";
const conn = { host: "192.0.2.153", privateKey: secret(TEST_PRIVATE_KEY), hostKey: KEY };
const WGKEY = "V0dMRUZUUFJJVktFWXp6el9fX19fX19fX19fX19fX18=";
const CARPPASS = "CARPPASSxyz";
const WG = `wgkey ${WGKEY} wgport 51820\ninet 10.9.0.1 255.255.255.0\nup\n`;
const CARP = `inet 172.16.0.1 255.255.255.0 172.16.0.255 vhid 1 carpdev em0 pass ${CARPPASS}\nup\n`;
const file = (content: unknown) => ({ content, mode: "0600", owner: "root", group: "wheel", check: "none" });
const state = (wg: unknown, carp: unknown) => ({
  files: { "/etc/hostname.wg0": file(wg), "/etc/hostname.carp1": file(carp) },
  sysctls: {},
  services: {},
  interfaces: ["wg0", "carp1"],
  anchors: {},
  ipsec: { daemon: "none" },
});

/** The properties as `pulumi stack export` shows them: each secret as ciphertext (here `[secret]`). */
function exported(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (isSecret(x) ? "[secret]" : x));
}

beforeEach(() => forgetSecrets());

describe("secret marks travel as property paths", () => {
  it("lists the outermost secret of each branch and wraps the same paths again, coarser where already wrapped", () => {
    const v = { a: secret({ b: secret("x") }), c: [1, secret(2)], d: { e: "plain" } };
    expect(secretPaths(v)).toEqual([["a"], ["c", 1]]);
    const plain = { a: { b: "x" }, c: [1, 2], d: { e: "plain" } };
    expect(markSecret(plain, secretPaths(v))).toEqual({ a: secret({ b: "x" }), c: [1, secret(2)], d: { e: "plain" } });
    expect(plain).toEqual({ a: { b: "x" }, c: [1, 2], d: { e: "plain" } });
    // a path into a value already secret is covered; a path the value lacks marks nothing
    expect(markSecret({ a: secret({ b: "x" }) }, [["a", "b"], ["gone", "x"], ["c", 5]])).toEqual({ a: secret({ b: "x" }) });
  });
});

describe("GatewayConfig used directly: Check keeps what the user marked secret", () => {
  const cases: [string, unknown][] = [
    ["the whole state a secret", secret(state(WG, CARP))],
    ["each file's content a secret", state(secret(WG), secret(CARP))],
    ["the values listed in state.secrets", { ...state(WG, CARP), secrets: [WGKEY, CARPPASS] }],
  ];
  for (const [name, s] of cases)
    it(`${name}: no key in plaintext in the checked inputs, and both are masked in messages`, async () => {
      const r = await gatewayConfig.check!("urn", {}, { connection: conn, state: s });
      expect(r.failures ?? []).toEqual([]);
      const shown = exported(r.inputs);
      expect(shown).not.toContain(WGKEY);
      expect(shown).not.toContain(CARPPASS);
      expect(redact(`ifconfig: ${CARP.split("\n")[0]}`)).not.toContain(CARPPASS);
      expect(redact(`line ${WG.split("\n")[0]}`)).not.toContain(WGKEY);
    });

  it("a secret file's content is the secret, not the file's public fields, when only the content was marked", async () => {
    const r = await gatewayConfig.check!("urn", {}, { connection: conn, state: state(secret(WG), CARP) });
    const files = (r.inputs!.state as HostState).files as unknown as Record<string, { content: unknown; mode: unknown }>;
    expect(isSecret(files["/etc/hostname.wg0"]!.content)).toBe(true);
    expect(files["/etc/hostname.wg0"]!.mode).toBe("0600");
    expect(files["/etc/hostname.carp1"]!.content).toBe(CARP);
  });

  it("a connection the user made secret as a whole stays secret", async () => {
    const r = await gatewayConfig.check!("urn", {}, { connection: secret({ ...conn, privateKey: TEST_PRIVATE_KEY }), state: state(WG, CARP) });
    expect(isSecret(r.inputs!.connection)).toBe(true);
  });
});

describe("GatewayConfig read (refresh) keeps the recorded marks", () => {
  it("returns the outputs and inputs with the same secrets as recorded (stubbed read)", async () => {
    const props = { connection: conn, state: secret(state(WG, CARP)), drift: {}, flows: [] };
    const inputs = { connection: conn, state: state(secret(WG), CARP) };
    process.env.PULUMI_OPENBSD_STUB = "1";
    try {
      const r = await gatewayConfig.read!("192.0.2.153", "urn", props, inputs);
      expect(exported(r.props)).not.toContain(WGKEY);
      expect(exported(r.inputs)).not.toContain(WGKEY);
      expect(exported(r.inputs)).not.toContain(CARPPASS);
    } finally {
      delete process.env.PULUMI_OPENBSD_STUB;
    }
  });
});
