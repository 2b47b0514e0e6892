/**
 * The provider's side of the secret flow: the values to mask come typed (`state.secrets`, secret-wrapped
 * request values), never scraped from file text; every operation masks them from its errors; fingerprints
 * are keyed with a per-gateway secret key.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { forgetSecrets, redact, redacting, rememberRequest, secretsInRequest } from "../../../providers/redact";
import { fingerprint, isSecret, newFingerprintKey, secret } from "../../../providers/secrets";
import { secretsOf } from "../../../providers/gateway/commit";
import { gatewayConfig } from "../../../providers/resources/gateway-config";
import { maskSecrets } from "../../../providers/transport/ssh";
import { gwState, PSK } from "../../provider/fixtures";
import { TEST_PRIVATE_KEY } from "../../support/ssh-key";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXB";
const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXBAAAAiA\n-----END OPENSSH PRIVATE KEY-----\n";
const conn = { host: "192.0.2.153", privateKey: PEM, hostKey: KEY };

beforeEach(() => forgetSecrets());

describe("secret values travel typed", () => {
  it("the commit masks what the planner listed and the SSH key (with its lines), nothing scraped from the files", () => {
    const s = gwState("gw1");
    // a quoted word in ipsec.conf that the planner did not list is not a secret (the old scraping took it)
    s.files["/etc/ipsec.conf"]!.content += 'ike esp from 10.0.0.0/8 to 10.1.0.0/16 peer 192.0.2.1 tag "not-a-secret"\n';
    const v = secretsOf(s, PEM);
    expect(v).toEqual([PSK, PEM, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "QyNTUxOQAAACDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXBAAAAiA"]);
    expect(maskSecrets(`1: syntax error near "${PSK}"; key line QyNTUxOQAAACDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXBAAAAiA; tag "not-a-secret"`, v)).toBe(
      '1: syntax error near "***"; key line ***; tag "not-a-secret"',
    );
  });

  it("a request's secrets: each value sent as a secret on its own, the state's `secrets` list and secret file contents, however sent", () => {
    const wrapped = { connection: { host: "h", privateKey: secret(PEM) }, state: { files: { "/etc/x": { content: secret("file text") } }, secrets: secret(["psk-one", "sharedkey-two"]) } };
    expect([...new Set(secretsInRequest(wrapped))].sort()).toEqual([PEM, "file text", "psk-one", "sharedkey-two"].sort());
    expect(secretsInRequest({ state: { files: {}, secrets: ["plain-listed"] } })).toEqual(["plain-listed"]);
    // a state or a connection secret as a whole: its listed values and every file's content count (the user made
    // them secret), not its public strings
    const whole = { connection: secret({ host: "192.0.2.153", user: "root", privateKey: PEM }), state: secret(gwState("gw1")) };
    const got = [...new Set(secretsInRequest(whole))];
    expect(got.sort()).toEqual([PSK, ...Object.values(gwState("gw1").files).map((f) => f.content)].sort());
    expect(got).not.toContain("192.0.2.153");
    expect(got).not.toContain("/etc/pf.anchors/vpn");
  });

  it("every operation remembers its request's secrets: a later error or log line is masked, longest value first", async () => {
    const s = gwState("gw1", { psk: "psk-psk-psk-1" });
    s.secrets = ["psk-psk-psk-1", "psk-psk"];
    await gatewayConfig.check!("urn", {}, { connection: { ...conn, privateKey: secret(PEM) }, state: { ...s, secrets: secret(s.secrets) } });
    expect(redact("ipsecctl: psk-psk-psk-1 is wrong, psk-psk too")).toBe("ipsecctl: *** is wrong, *** too");
    await expect(redacting(async () => { throw new Error("tool said: psk-psk-psk-1"); })).rejects.toThrow(/^tool said: \*\*\*$/);
  });

  it("check stores each secret file's content and the `secrets` list as Pulumi secrets, the rest readable", async () => {
    const r = await gatewayConfig.check!("urn", {}, { connection: { ...conn, privateKey: TEST_PRIVATE_KEY }, state: gwState("gw1") });
    expect(r.failures ?? []).toEqual([]);
    const state = r.inputs!.state as { files: Record<string, { content: unknown }>; secrets: unknown };
    expect(isSecret(state.secrets)).toBe(true);
    expect(isSecret(state.files["/etc/ipsec.conf"]!.content)).toBe(true);
    expect(state.files["/etc/pf.conf"]!.content).toBe(gwState("gw1").files["/etc/pf.conf"]!.content);
    expect(isSecret((r.inputs!.connection as { privateKey: unknown }).privateKey)).toBe(true);
  });
});

describe("fingerprints are keyed with a per-gateway secret key", () => {
  it("equal under one key, different under another, and the key is 32 random bytes", () => {
    const [k1, k2] = [newFingerprintKey(), newFingerprintKey()];
    expect(k1).toMatch(/^[0-9a-f]{64}$/);
    expect(k1).not.toBe(k2);
    expect(fingerprint(k1, PSK)).toMatch(/^fp:[0-9a-f]{12}$/);
    expect(fingerprint(k1, PSK)).toBe(fingerprint(k1, PSK));
    expect(fingerprint(k1, PSK)).not.toBe(fingerprint(k2, PSK));
  });
});
