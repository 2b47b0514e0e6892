/**
 * isakmpd with RSA public keys (issue 12, isakmpd(8) "PUBLIC KEY AUTHENTICATION"), examples/14-isakmpd-pubkey:
 * ike rules without psk naming both identities, each gateway's derived local.key (0600) and its peer's
 * public key under pubkeys/ipv4/ADDR or pubkeys/fqdn/NAME; the emulated isakmpd establishes the flows only
 * when each side holds the other's public key under the ID it sends (test/lab/emu/ike-keys.ts). h1 and h2
 * ping each other across the tunnel: ESP (IP protocol 50) between the gateways (test/lab/emu/espd.py).
 */
import { expect } from "vitest";
import { labExec, type Lab } from "../../lab/api";
import { scenario } from "./harness";

const GW1_IPSEC = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 \\
 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 \\
 srcid 192.0.2.153 dstid gw2.example.org
`;
const GW2_IPSEC = `ike esp from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153 \\
 main auth hmac-sha2-256 enc aes-256 quick auth hmac-sha2-256 enc aes-256 \\
 srcid gw2.example.org dstid 192.0.2.153
`;
const FLOW1 = "flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85";
const FLOW2 = "flow esp out from 192.168.15.0/24 to 172.16.0.0/24 peer 192.0.2.153";
const GW2_KEY_ON_GW1 = "/etc/isakmpd/pubkeys/fqdn/gw2.example.org";
const GW1_KEY_ON_GW2 = "/etc/isakmpd/pubkeys/ipv4/192.0.2.153";
const KEYS = ["/etc/isakmpd/private/local.key", "/etc/isakmpd/local.pub"];

const out = async (lab: Lab, gw: string, cmd: string) => {
  const r = await labExec(lab, gw, cmd);
  expect(r.code, `${gw}: ${cmd}: ${r.stderr}`).toBe(0);
  return r.stdout;
};
/** Polls `ipsecctl -sf` on gw1 until the flow is (or is not) there: a few seconds at most. */
const flowOnGw1 = async (lab: Lab, present: boolean) => {
  let got = "";
  for (let i = 0; i < 20; i++) {
    got = (await labExec(lab, "gw1", "ipsecctl -sf")).stdout;
    if (got.includes(FLOW1) === present) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(got.includes(FLOW1), `gw1 ipsecctl -sf:\n${got}`).toBe(present);
};

scenario({
  example: "14-isakmpd-pubkey",
  project: "openbsd-isakmpd-pubkey",
  topology: "site-to-site",
  prefix: "p14",
  files: {
    gw1: { "/etc/ipsec.conf": GW1_IPSEC, "/etc/sysctl.conf": "net.inet.ip.forwarding=1\n" },
    gw2: { "/etc/ipsec.conf": GW2_IPSEC },
  },
  baselinePaths: { gw1: [...KEYS, GW2_KEY_ON_GW1], gw2: [...KEYS, GW1_KEY_ON_GW2] },
  flows: { gw1: [FLOW1], gw2: [FLOW2] },
  traffic: [
    // ESP (IP protocol 50) between the gateways (test/lab/emu/espd.py); the first pings may wait for the data path
    { host: "h1", command: "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" },
    { host: "h2", command: "ping -c 3 -i 0.3 -W 2 172.16.0.10" },
  ],
  checks: [
    {
      name: "each gateway holds an RSA local.key (0600 root) and its peer's local.pub under the peer's ID",
      run: async (lab) => {
        for (const gw of ["gw1", "gw2"]) {
          expect(await out(lab, gw, "ls -l /etc/isakmpd/private/local.key | cut -c1-10")).toBe("-rw-------\n");
          expect(await out(lab, gw, "head -1 /etc/isakmpd/private/local.key")).toBe("-----BEGIN RSA PRIVATE KEY-----\n");
        }
        const pub1 = await out(lab, "gw1", "cat /etc/isakmpd/local.pub");
        const pub2 = await out(lab, "gw2", "cat /etc/isakmpd/local.pub");
        expect(pub1).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
        expect(pub1).not.toBe(pub2);
        expect(await out(lab, "gw1", `cat ${GW2_KEY_ON_GW1}`)).toBe(pub2);
        expect(await out(lab, "gw2", `cat ${GW1_KEY_ON_GW2}`)).toBe(pub1);
      },
    },
    {
      name: "a wrong public key for the peer stops the tunnel, the right one brings it back",
      run: async (lab) => {
        await out(lab, "gw1", `cp ${GW2_KEY_ON_GW1} /tmp/gw2.pub && cp /etc/isakmpd/local.pub ${GW2_KEY_ON_GW1}`);
        await flowOnGw1(lab, false);
        await out(lab, "gw1", `cp /tmp/gw2.pub ${GW2_KEY_ON_GW1}`);
        await flowOnGw1(lab, true);
      },
    },
  ],
  // someone "fixes" the peer's key by hand with the wrong one: refresh reports the file, up puts it back
  edit: { gateway: "gw1", command: `cp /etc/isakmpd/local.pub ${GW2_KEY_ON_GW1}`, file: GW2_KEY_ON_GW1 },
  reboot: "gw2",
  // the tunnel's data path (espd.py, a tun device esp…) ends with the flows
  destroyed: async (lab) => {
    for (const gw of ["gw1", "gw2"]) expect(await out(lab, gw, "ip -o link show | grep -c ' esp[0-9a-f]*:' || true")).toBe("0\n");
  },
});
