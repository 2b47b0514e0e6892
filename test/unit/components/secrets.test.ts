/**
 * Secrets through the public components, under Pulumi's mocks: every output derived from a secret is a
 * Pulumi secret (per file where the file holds one), nothing a component registers carries a secret in
 * plaintext — on every example program —, and the outputs a user wants exist (files, public key, identities).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as openbsd from "pulumi-openbsd";
import { recorded, sealed, setupMocks, tolerateRejections, valueOf } from "./mocks";
import { unwrap } from "../../../providers/secrets";
import type { HostState } from "pulumi-openbsd";

const SIG = "4dabf18193072939515e22adb298388d";
const PSK = "204931646879ae1265a7d0437a51cc08fe8d7484";
const SHAREDKEY = "da23169c9f49bb1fcdfab7d556588975433f831b3723d273a06e9d780f2cc0ab";
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n";
const CONFIG_SECRETS: Record<string, string> = { sshKey: KEY, psk: PSK, sharedkey: SHAREDKEY, carpPass: "carp-secret", caSeed: "ca-seed-0123456789abcdef" };
const HOSTS = ["gw1", "gw2", "gw1a", "gw1b", "alice", "bob"];
const isSecret = (o: pulumi.Output<unknown>) => (o as unknown as { isSecret: Promise<boolean> }).isSecret;
const conn = (host: string) => ({ host, privateKey: pulumi.secret(KEY), hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKey" });

/** Every component's registered outputs, as the SDK would send them to the engine. */
const registered: { type: string; name: string; outputs: pulumi.Inputs | undefined }[] = [];
const original = pulumi.ComponentResource.prototype["registerOutputs"];

beforeAll(async () => {
  await setupMocks();
  const cfg: Record<string, string> = {};
  for (const [k, v] of Object.entries(CONFIG_SECRETS)) cfg[`unit:${k}`] = v;
  HOSTS.forEach((h, i) => {
    cfg[`unit:${h}Host`] = `169.254.9.${i * 2 + 1}`;
    cfg[`unit:${h}HostKey`] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake";
  });
  pulumi.runtime.setAllConfig(cfg, Object.keys(CONFIG_SECRETS).map((k) => `unit:${k}`));
  pulumi.ComponentResource.prototype["registerOutputs"] = function (this: pulumi.ComponentResource, outputs?: pulumi.Inputs | Promise<pulumi.Inputs> | pulumi.Output<pulumi.Inputs>) {
    registered.push({ type: (this as unknown as { __pulumiType: string }).__pulumiType, name: (this as unknown as { __name: string }).__name, outputs: outputs as pulumi.Inputs });
    return original.call(this, outputs);
  };
});
afterAll(() => {
  pulumi.ComponentResource.prototype["registerOutputs"] = original;
});

/** Plaintext strings (outside secret wrappers) and secret strings of a serialized value. */
function split(v: unknown, into: { plain: string[]; secret: string[] }, inSecret = false): void {
  if (typeof v === "string") (inSecret ? into.secret : into.plain).push(v);
  else if (Array.isArray(v)) v.forEach((x) => split(x, into, inSecret));
  else if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (SIG in o && "value" in o) return split(o.value, into, true);
    Object.values(o).forEach((x) => split(x, into, inSecret));
  }
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("component outputs derived from secrets are secrets", () => {
  it("Gateway.files: ipsec.conf's content is a secret, pf.conf's is not; Gateway.state is a secret as a whole", async () => {
    const a = new openbsd.Gateway("s-a", { connection: conn("169.254.1.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const b = new openbsd.Gateway("s-b", { connection: conn("169.254.1.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    const t = new openbsd.SiteToSiteTunnel("s-t", { left: a, right: b, psk: pulumi.secret(PSK) });
    const files = await valueOf(a.files);
    expect(await isSecret(a.files)).toBe(false);
    expect(Object.keys(files).sort()).toEqual(["/etc/ipsec.conf", "/etc/pf.anchors/vpn", "/etc/pf.conf", "/etc/sysctl.conf"]);
    expect(files["/etc/ipsec.conf"]).toMatchObject({ mode: "0600", secret: true });
    expect(await isSecret(files["/etc/ipsec.conf"]!.content)).toBe(true);
    expect(await valueOf(files["/etc/ipsec.conf"]!.content)).toContain(`psk ${PSK}`);
    expect(await isSecret(files["/etc/pf.conf"]!.content)).toBe(false);
    expect(await isSecret(a.state)).toBe(true);
    // a user's apply keeps the secret
    expect(await isSecret(a.files.apply((f) => f["/etc/ipsec.conf"]!.content))).toBe(true);
    // identities: not secret
    expect(await valueOf(t.left)).toEqual({ node: "s-a", address: "192.0.2.153", kind: "address", id: "192.0.2.153" });
    expect(await valueOf(t.right)).toEqual({ node: "s-b", address: "192.0.123.85", kind: "address", id: "192.0.123.85" });
    expect(await isSecret(t.left)).toBe(false);
  });

  it("a gateway whose files hold no secret has a readable state", async () => {
    const g = new openbsd.Gateway("s-plain", { connection: conn("169.254.1.5"), external: { interface: "em1", address: "192.0.2.10" } });
    expect(await isSecret(g.state)).toBe(false);
    expect(Object.keys(await valueOf(g.state)).length).toBeGreaterThan(0);
  });

  it("a gateway behind a bastion: the bastion's own key reaches the GatewayConfig as a secret only; Gateway.connection carries it as remote.Command's `proxy`", async () => {
    const BASTION_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nYmFzdGlvbi1rZXktbmV2ZXItaW4tcGxhaW50ZXh0\n-----END OPENSSH PRIVATE KEY-----\n";
    const c0 = recorded.length;
    const g = new openbsd.Gateway("s-bastion", {
      connection: { ...conn("10.0.0.5"), proxy: { host: "198.51.100.7", user: "jump", privateKey: pulumi.secret(BASTION_KEY), hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBastion" } },
      external: { interface: "em1", address: "192.0.2.11" },
    });
    const mine = (r: (typeof recorded)[number]) => r.type === "openbsd:index:GatewayConfig" && r.name === "s-bastion";
    for (let i = 0; i < 200 && !recorded.slice(c0).some(mine); i++) await new Promise((r) => setTimeout(r, 10));
    const cfg = recorded.slice(c0).find(mine)!;
    const into = { plain: [] as string[], secret: [] as string[] };
    split(cfg.inputs, into);
    expect(into.plain.filter((p) => p.includes("YmFzdGlvbi1rZXkt"))).toEqual([]);
    expect(into.secret).toContain(BASTION_KEY);
    const c = (await valueOf(g.connection)) as unknown as { proxy: Record<string, unknown> };
    expect(c.proxy).toEqual({ host: "198.51.100.7", port: 22, user: "jump", privateKey: BASTION_KEY, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBastion" });
    expect(await isSecret(g.connection as pulumi.Output<unknown>)).toBe(true);
  });

  it("Gateway.publicKey is the iked public key it installs, not secret; its private key file is secret", async () => {
    const a = new openbsd.Gateway("k-a", { ike: "iked", connection: conn("169.254.2.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const b = new openbsd.Gateway("k-b", { ike: "iked", connection: conn("169.254.2.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    const t = new openbsd.SiteToSiteTunnel("k-t", { left: a, right: b, auth: "publickey" });
    const [fa, fb] = [await valueOf(a.files), await valueOf(b.files)];
    const pub = await valueOf(a.publicKey);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(await isSecret(a.publicKey)).toBe(false);
    expect(await valueOf(fa["/etc/iked/local.pub"]!.content)).toBe(pub);
    expect(await valueOf(fb["/etc/iked/pubkeys/ipv4/192.0.2.153"]!.content)).toBe(pub);
    expect(fa["/etc/iked/private/local.key"]).toMatchObject({ mode: "0600", secret: true });
    expect(await isSecret(fa["/etc/iked/private/local.key"]!.content)).toBe(true);
    expect(await valueOf(t.left)).toEqual({ node: "k-a", address: "192.0.2.153", kind: "address", id: "192.0.2.153" });
  });

  it("isakmpd public keys: Gateway.rsaPublicKey is the key its peer installs, not secret; local.key is secret", async () => {
    const a = new openbsd.Gateway("r-a", { connection: conn("169.254.2.5"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const b = new openbsd.Gateway("r-b", { connection: conn("169.254.2.7"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    new openbsd.SiteToSiteTunnel("r-t", { left: a, right: b, auth: "publickey" });
    const [fa, fb] = [await valueOf(a.files), await valueOf(b.files)];
    const pub = await valueOf(a.rsaPublicKey);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(await isSecret(a.rsaPublicKey)).toBe(false);
    expect(await valueOf(fb["/etc/isakmpd/pubkeys/ipv4/192.0.2.153"]!.content)).toBe(pub);
    expect(await isSecret(fa["/etc/isakmpd/private/local.key"]!.content)).toBe(true);
    expect(await isSecret(fa["/etc/ipsec.conf"]!.content)).toBe(true);
  });

  it("X.509: CertificateAuthority.certificate is the ca/NAME.crt installed, not secret; no gateway gets the CA key", async () => {
    const a = new openbsd.Gateway("x-a", { connection: conn("169.254.2.9"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const b = new openbsd.Gateway("x-b", { connection: conn("169.254.2.11"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    const ca = new openbsd.CertificateAuthority("x-ca", { keySeed: pulumi.secret("ca-seed-0123456789abcdef") });
    new openbsd.SiteToSiteTunnel("x-t", { left: a, right: b, ca });
    const cert = await valueOf(ca.certificate);
    expect(cert).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(await isSecret(ca.certificate)).toBe(false);
    expect(await isSecret(ca.spec)).toBe(true);
    const fa = await valueOf(a.files);
    expect(await valueOf(fa["/etc/isakmpd/ca/x-ca.crt"]!.content)).toBe(cert);
    expect(Object.keys(fa).filter((p) => p.startsWith("/etc/isakmpd/")).sort()).toEqual(["/etc/isakmpd/ca/x-ca.crt", "/etc/isakmpd/certs/192.0.2.153.crt", "/etc/isakmpd/private/local.key"]);
    expect(await valueOf(a.rsaPublicKey)).toBeUndefined();
  });
});

describe("a value the user marked secret in an ordinary field stays a secret", () => {
  /** The GatewayConfig `name` registered (after its group sealed). */
  async function configOf(name: string, from: number) {
    const mine = (r: (typeof recorded)[number]) => r.type === "openbsd:index:GatewayConfig" && r.name === name;
    for (let i = 0; i < 300 && !recorded.slice(from).some(mine); i++) await tick(10);
    return recorded.slice(from).find(mine)!;
  }
  /** The plaintext strings of a registered value that hold one of `values`. */
  function plainHolding(v: unknown, values: string[]): string[] {
    const into = { plain: [] as string[], secret: [] as string[] };
    split(v, into);
    return into.plain.filter((p) => values.some((x) => p.includes(x)));
  }

  it("an address, a network, a sysctl value and daemon flags given as secrets: no plaintext copy in the GatewayConfigs, the files holding them secret, the tunnel's identities too", async () => {
    const c0 = recorded.length;
    // what a user gets from `config.requireSecret` or another stack's secret output
    const ADDR = "198.18.7.41";
    const NET = "10.77.66.0/24";
    const MTU = "7733";
    const FLAGS = "-s -f /etc/ntpd-hidden.conf";
    const a = new openbsd.Gateway("m-a", {
      connection: conn("169.254.3.1"),
      external: { interface: "em1", address: pulumi.secret(ADDR) },
      internal: { interface: "em0", network: pulumi.secret(NET) },
      sysctls: { "net.inet.ip.mtudisc": pulumi.secret(MTU) },
      services: { ntpd: { flags: pulumi.secret(FLAGS) } },
    });
    const b = new openbsd.Gateway("m-b", { connection: conn("169.254.3.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    const t = new openbsd.SiteToSiteTunnel("m-t", { left: a, right: b, psk: pulumi.secret(PSK) });
    const values = [ADDR, NET, MTU, FLAGS];
    for (const name of ["m-a", "m-b"]) expect(plainHolding((await configOf(name, c0)).inputs, values)).toEqual([]);
    const fa = await valueOf(a.files);
    for (const f of ["/etc/pf.conf", "/etc/sysctl.conf", "/etc/rc.conf.local"]) {
      if (!fa[f]) continue;
      const text = await valueOf(fa[f]!.content);
      if (values.some((v) => text.includes(v))) expect([f, fa[f]!.secret, await isSecret(fa[f]!.content)]).toEqual([f, true, true]);
    }
    expect(await valueOf(fa["/etc/sysctl.conf"]!.content)).toContain(`net.inet.ip.mtudisc=${MTU}`);
    // the peer's pf rules name the marked address: secret there too
    const fb = await valueOf(b.files);
    const peerFiles = await Promise.all(Object.entries(fb).map(async ([p, f]) => [p, await valueOf(f.content), await isSecret(f.content)] as const));
    expect(peerFiles.filter(([, text, secret]) => text.includes(ADDR) && !secret)).toEqual([]);
    expect(peerFiles.some(([, text]) => text.includes(ADDR))).toBe(true);
    expect(await isSecret(t.left)).toBe(true);
    expect((await valueOf(t.left)).address).toBe(ADDR);
    // a plain peer's own identity names only what the user wrote in plain
    expect(await isSecret(a.state)).toBe(true);
  });

  it("a gateway with no secret of its own (no tunnel): the marked sysctl value and address are not registered in plaintext", async () => {
    const c0 = recorded.length;
    const g = new openbsd.Gateway("m-c", { connection: conn("169.254.3.9"), external: { interface: "em1", address: pulumi.secret("198.18.9.9") }, sysctls: { "net.inet.ip.mtudisc": pulumi.secret("7734") } });
    expect(plainHolding((await configOf("m-c", c0)).inputs, ["198.18.9.9", "7734"])).toEqual([]);
    const f = await valueOf(g.files);
    expect([await valueOf(f["/etc/sysctl.conf"]!.content), await isSecret(f["/etc/sysctl.conf"]!.content)]).toEqual(["net.inet.ip.forwarding=1\nnet.inet.ip.mtudisc=7734\n", true]);
    expect(await isSecret(f["/etc/pf.conf"]!.content)).toBe(false);
    expect(await isSecret(g.state)).toBe(true);
  });

  it("a marked value a check refuses is not quoted: the error shows (secret) where the value stood, and names the field", async () => {
    const seen: string[] = [];
    const stopSeeing = openbsd.onUserError((e) => seen.push(e.message));
    const stop = tolerateRejections(() => true);
    try {
      new openbsd.Gateway("m-bad", { connection: conn("169.254.3.11"), external: { interface: "em1", address: pulumi.secret("198.18.300.1") } });
      for (let i = 0; i < 100 && seen.length === 0; i++) await tick(10);
      await tick(50);
    } finally {
      stopSeeing();
      await stop();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain("external.address = (secret)");
    expect(seen[0]).not.toContain("198.18.300.1");
    await sealed();
  });

  it("arguments holding a cycle are walked once (no hang), and a marked value beside it is still found", async () => {
    const c0 = recorded.length;
    const cyc: Record<string, unknown> = {};
    for (const k of "abcdefghijklmnopqrstuvwxyz") cyc[k] = cyc;
    const g = new openbsd.Gateway("m-cyc", { connection: conn("169.254.3.13"), external: { interface: "em1", address: "192.0.2.77" }, sysctls: { "net.inet.ip.mtudisc": pulumi.secret("7735") }, ...({ cyc } as object) });
    expect(plainHolding((await configOf("m-cyc", c0)).inputs, ["7735"])).toEqual([]);
    expect(await isSecret((await valueOf(g.files))["/etc/sysctl.conf"]!.content)).toBe(true);
  });

  it("a gateway without marked values keeps readable files (pf.conf, sysctl.conf) and identities", async () => {
    const a = new openbsd.Gateway("u-a", { connection: conn("169.254.3.5"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" }, sysctls: { "net.inet.ip.mtudisc": "1" } });
    const b = new openbsd.Gateway("u-b", { connection: conn("169.254.3.7"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    const t = new openbsd.SiteToSiteTunnel("u-t", { left: a, right: b, psk: pulumi.secret(PSK) });
    const fa = await valueOf(a.files);
    expect(await isSecret(fa["/etc/pf.conf"]!.content)).toBe(false);
    expect(await isSecret(fa["/etc/sysctl.conf"]!.content)).toBe(false);
    expect(await isSecret(t.left)).toBe(false);
  });
});

describe("no example registers a secret in plaintext", () => {
  for (const example of ["01-site-to-site", "02-enc0-filtering", "03-ike-policy", "04-carp-redundancy", "05-gif-tunnels", "06-rfc3884", "07-iked", "08-manual-keying", "09-host-basics", "14-isakmpd-pubkey", "15-x509"]) {
    it(example, async () => {
      const r0 = registered.length;
      const c0 = recorded.length;
      const mod = (await import(`../../../examples/${example}/index.ts`)) as { default: () => Promise<unknown> };
      await mod.default();
      for (let i = 0; i < 200 && !recorded.slice(c0).some((r) => r.type === "openbsd:index:GatewayConfig"); i++) await tick(10);
      await tick(100);
      const all = { plain: [] as string[], secret: [] as string[] };
      const mine = registered.slice(r0);
      expect(mine.some((r) => r.type === "openbsd:index:Gateway")).toBe(true);
      for (const r of mine) split(await pulumi.runtime.serializeProperties(`${r.type} ${r.name}`, r.outputs ?? {}), all);
      // the mocks hand a GatewayConfig's inputs back with the whole state as one secret: only its plaintext
      // strings and its `secrets` list (the planner's values, derived keys included) are looked at
      const listed: string[] = [];
      for (const r of recorded.slice(c0)) {
        const into = { plain: all.plain, secret: [] as string[] };
        split(r.inputs, into);
        if (r.type === "openbsd:index:GatewayConfig") listed.push(...(unwrap<{ state: HostState }>(r.inputs).state.secrets ?? []));
      }
      // 05 and 09 hold no secret but the SSH key (gif without IPsec, host settings)
      expect(listed.length > 0).toBe(!["05-gif-tunnels", "09-host-basics"].includes(example));
      // the secrets: the program's secret config, and every string it sent as a secret (derived keys, secret file contents)
      const secrets = [...Object.values(CONFIG_SECRETS), ...all.secret, ...listed].filter((s) => s.length >= 8);
      expect(all.secret.length > 0).toBe(listed.length > 0);
      const leaked = all.plain.flatMap((p) => secrets.filter((s) => p.includes(s.trim())).map((s) => `${s.slice(0, 6)}… in plaintext ${JSON.stringify(p.slice(0, 80))}`));
      expect(leaked).toEqual([]);
    });
  }
});
