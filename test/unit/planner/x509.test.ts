/**
 * X.509 authentication (issue 12, seeds/003 FAQ 13.9): a CA certificate, per gateway a certificate of its
 * RSA key for the identity it presents (SAN IP address, DNS name or e-mail), installed where isakmpd and iked
 * read them; the same bytes on every run; the certificates verify against the CA (node:crypto's X509).
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planAndRender, PlanError } from "../../../sdk/planner/index";
import type { HostState } from "../../../sdk/state";
import type { CaSpec } from "../../../sdk/planner/x509";
import { FP_KEY, gw, lines, topo, tunnel } from "./fixtures";

const CA: CaSpec = { name: "vpn-ca", keySeed: "ca-seed-0123456789abcdef", commonName: "VPN CA", notBefore: "2025-01-01T00:00:00Z", notAfter: "2045-01-01T00:00:00Z" };
const plan = (t: Parameters<typeof planAndRender>[0]) => planAndRender(t, { fingerprintKey: FP_KEY });
const file = (s: HostState | undefined, path: string) => {
  const f = s?.files[path];
  if (!f) throw new Error(`no ${path} in ${Object.keys(s?.files ?? {}).join(" ")}`);
  return f;
};
const x509Tunnel = (right: Record<string, unknown> = {}, ca: CaSpec = CA) =>
  tunnel({
    keying: { kind: "ike", auth: { kind: "x509", ca }, phase1: { auth: "hmac-sha2-256", enc: "aes-256" }, phase2: { auth: "hmac-sha2-256", enc: "aes-256" } },
    right: { node: "gw2", networks: ["192.168.15.0/24"], mode: "active", rules: [], srcid: "gw2.example.org", ...right },
  });
const spkiOf = (pem: string) => createPublicKey(pem).export({ type: "spki", format: "der" }).toString("base64");

describe("X.509 with isakmpd", () => {
  const r = plan(topo({ tunnels: [x509Tunnel()] }));
  const g1 = r.states.gw1!;
  const g2 = r.states.gw2!;

  it("installs the CA certificate, the gateway's certificate named after its ID and its key (0600, secret)", () => {
    const paths = (s: HostState) => Object.keys(s.files).filter((p) => p.startsWith("/etc/isakmpd/")).sort();
    expect(paths(g1)).toEqual(["/etc/isakmpd/ca/vpn-ca.crt", "/etc/isakmpd/certs/192.0.2.153.crt", "/etc/isakmpd/private/local.key"]);
    expect(paths(g2)).toEqual(["/etc/isakmpd/ca/vpn-ca.crt", "/etc/isakmpd/certs/gw2.example.org.crt", "/etc/isakmpd/private/local.key"]);
    expect(file(g1, "/etc/isakmpd/private/local.key")).toMatchObject({ mode: "0600", secret: true });
    expect(file(g1, "/etc/isakmpd/ca/vpn-ca.crt")).toMatchObject({ mode: "0644" });
    expect(file(g1, "/etc/isakmpd/ca/vpn-ca.crt").secret).toBeFalsy();
    expect(file(g1, "/etc/isakmpd/ca/vpn-ca.crt").content).toBe(file(g2, "/etc/isakmpd/ca/vpn-ca.crt").content);
  });

  it("writes the ike rules without psk, with both identities", () => {
    expect(lines(file(g1, "/etc/ipsec.conf").content)[0]).toMatch(/ peer 192\.0\.123\.85 .* srcid 192\.0\.2\.153 dstid gw2\.example\.org$/);
    expect(lines(file(g2, "/etc/ipsec.conf").content)[0]).toMatch(/ peer 192\.0\.2\.153 .* srcid gw2\.example\.org dstid 192\.0\.2\.153$/);
    expect(file(g1, "/etc/ipsec.conf").content).not.toContain("psk");
  });

  it("issues certificates of each gateway's key for its identity, signed by the CA", () => {
    const ca = new X509Certificate(file(g1, "/etc/isakmpd/ca/vpn-ca.crt").content);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe("CN=VPN CA");
    expect(ca.verify(ca.publicKey)).toBe(true);
    const c1 = new X509Certificate(file(g1, "/etc/isakmpd/certs/192.0.2.153.crt").content);
    const c2 = new X509Certificate(file(g2, "/etc/isakmpd/certs/gw2.example.org.crt").content);
    expect([c1.subjectAltName, c2.subjectAltName]).toEqual(["IP Address:192.0.2.153", "DNS:gw2.example.org"]);
    expect([c1.subject, c2.subject]).toEqual(["CN=192.0.2.153", "CN=gw2.example.org"]);
    for (const c of [c1, c2]) {
      expect(c.ca).toBe(false);
      expect(c.issuer).toBe("CN=VPN CA");
      expect(c.checkIssued(ca)).toBe(true);
      expect(c.verify(ca.publicKey)).toBe(true);
      expect([c.validFrom, c.validTo]).toEqual(["Jan  1 00:00:00 2025 GMT", "Jan  1 00:00:00 2045 GMT"]);
    }
    expect(spkiOf(c1.publicKey.export({ type: "spki", format: "pem" }).toString())).toBe(spkiOf(createPublicKey(createPrivateKey(file(g1, "/etc/isakmpd/private/local.key").content)).export({ type: "spki", format: "pem" }).toString()));
    expect(c1.serialNumber).not.toBe(c2.serialNumber);
  });

  it("issues the same bytes on every run (a clean preview after up)", () => {
    const again = plan(topo({ tunnels: [x509Tunnel()] }));
    for (const p of ["/etc/isakmpd/ca/vpn-ca.crt", "/etc/isakmpd/certs/192.0.2.153.crt"]) expect(file(again.states.gw1, p).content).toBe(file(g1, p).content);
  });

  it("a user@fqdn identity is an e-mail SubjectAltName", () => {
    const s = plan(topo({ tunnels: [x509Tunnel({ srcid: "vpn@gw2.example.org" })] }));
    expect(new X509Certificate(file(s.states.gw2, "/etc/isakmpd/certs/vpn@gw2.example.org.crt").content).subjectAltName).toBe("email:vpn@gw2.example.org");
  });
});

describe("X.509 with iked", () => {
  const iked = (name: string, ext: string, net: string) => gw(name, ext, net, { ike: "iked" });
  const r = plan(topo({ gateways: [iked("gw1", "192.0.2.153", "172.16.0.0/24"), iked("gw2", "192.0.123.85", "192.168.15.0/24")], tunnels: [x509Tunnel()] }));

  it("installs under /etc/iked and writes srcid/dstid without psk", () => {
    expect(Object.keys(r.states.gw1!.files).filter((p) => p.startsWith("/etc/iked/")).sort()).toEqual(["/etc/iked/ca/vpn-ca.crt", "/etc/iked/certs/192.0.2.153.crt", "/etc/iked/private/local.key"]);
    const conf = lines(file(r.states.gw1, "/etc/iked.conf").content).join(" ");
    expect(conf).toContain("srcid 192.0.2.153 dstid gw2.example.org rfc7427");
    expect(conf).toContain("rfc7427");
    expect(conf).not.toContain("psk");
  });
});

describe("X.509 mistakes refused at preview", () => {
  const messageOf = (t: Parameters<typeof planAndRender>[0]) => {
    try {
      plan(t);
    } catch (e) {
      expect(e).toBeInstanceOf(PlanError);
      return (e as Error).message;
    }
    throw new Error("planned without error");
  };
  it("a dstid that is not the other end's identity", () => {
    expect(messageOf(topo({ tunnels: [x509Tunnel({ dstid: "gw1.example.org" })] }))).toBe(
      'SiteToSiteTunnel "net1-net2", Gateway "gw1", Gateway "gw2": right.dstid = gw1.example.org: Gateway "gw1" presents the identity 192.0.2.153 (its address): phase 1 would fail with an unexpected ID; set right.dstid to 192.0.2.153, or set the other end\'s srcid to gw1.example.org',
    );
  });
  it("two tunnels of one gateway that need different local keys", () => {
    const t = topo({
      gateways: [gw("gw1", "192.0.2.153", "172.16.0.0/24", { ike: "iked" }), gw("gw2", "192.0.123.85", "192.168.15.0/24", { ike: "iked" }), gw("gw3", "198.51.100.1", "10.3.0.0/24", { ike: "iked" })],
      tunnels: [
        x509Tunnel(),
        tunnel({ name: "net1-net3", keying: { kind: "ike", auth: { kind: "publickey" } }, right: { node: "gw3", networks: ["10.3.0.0/24"], mode: "active", rules: [] } }),
      ],
    });
    expect(messageOf(t)).toBe(
      'SiteToSiteTunnel "net1-net3", Gateway "gw1": auth = /etc/iked/private/local.key: another tunnel of this gateway installs a different /etc/iked/private/local.key (public keys and certificates need different keys, or two CAs sign for one identity); use the same `auth` (and `ca`) for every tunnel of the gateway\'s IKE daemon',
    );
  });
});
