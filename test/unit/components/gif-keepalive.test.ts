/**
 * gre/eoip keepalive: the ranges ifconfig(8) and the gre driver accept (period 1–3600 s, count 2–256), found
 * by scripts/oracle-fuzz.ts (periods over 60 s and a count of 256 were refused).
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as openbsd from "pulumi-openbsd";
import { setupMocks, valueOf } from "./mocks";
import { HOST_KEY } from "../../support/bad-inputs";

beforeAll(async () => {
  await setupMocks();
});

describe("GifTunnel keepalive", () => {
  it("period 3600 and count 256 are accepted and written to hostname.gre0", async () => {
    const conn = (host: string): openbsd.ConnectionArgs => ({ host, privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nk\n-----END OPENSSH PRIVATE KEY-----\n", hostKey: HOST_KEY });
    const a = new openbsd.Gateway("ka-gw1", { connection: conn("169.254.0.1"), external: { interface: "em1", address: "192.0.2.153" }, internal: { interface: "em0", network: "172.16.0.0/24" } });
    const b = new openbsd.Gateway("ka-gw2", { connection: conn("169.254.0.3"), external: { interface: "em1", address: "192.0.123.85" }, internal: { interface: "em0", network: "192.168.15.0/24" } });
    new openbsd.GifTunnel("ka-gre", { kind: "gre", left: { gateway: a, interface: "gre0", inner: "10.9.0.1" }, right: { gateway: b, interface: "gre0", inner: "10.9.0.2" }, keepalive: { period: 3600, count: 256 } });
    const files = await valueOf(a.files);
    expect(await valueOf(files["/etc/hostname.gre0"]!.content as never)).toBe("tunnel 192.0.2.153 192.0.123.85\ninet 10.9.0.1 255.255.255.255\ndest 10.9.0.2\nkeepalive 3600 256\nup\n");
  });
});
