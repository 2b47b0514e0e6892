/**
 * X.509 scenario shared by the isakmpd and iked runs of examples/15-x509 (issue 12, seeds/003 FAQ 13.9):
 * the CA certificate, each gateway's certificate for the identity it presents (SAN IP for gateway 1, DNS
 * gw2.example.org for gateway 2, both signed by the CA, of the gateway's own key) and its local.key (0600);
 * the emulated daemon establishes the flows only when each side's certificate names its ID and was issued
 * by a CA the other trusts, as loaded when the daemon started (test/lab/emu/ike-keys.ts). Checked with the
 * lab's own `openssl`. The hand edit replaces gateway 2's certificate: refresh reports it, and up puts the
 * issued one back and restarts the daemon, which reads certificates only at start. h1 and h2 ping each other
 * across the tunnel: ESP (IP protocol 50) between the gateways (test/lab/emu/espd.py).
 */
import { expect } from "vitest";
import { labExec, type Lab } from "../../lab/api";
import { scenario } from "./harness";

export function x509Scenario(ike: "isakmpd" | "iked", prefix: string, files: Record<string, Record<string, string>>, flow1: string, flow2: string): void {
  const dir = `/etc/${ike}`;
  const CA = `${dir}/ca/vpn-ca.crt`;
  const CERT1 = `${dir}/certs/192.0.2.153.crt`;
  const CERT2 = `${dir}/certs/gw2.example.org.crt`;
  const KEY = `${dir}/private/local.key`;
  const out = async (lab: Lab, gw: string, cmd: string) => {
    const r = await labExec(lab, gw, cmd);
    expect(r.code, `${gw}: ${cmd}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const flowOn = async (lab: Lab, gw: string, flow: string, present: boolean) => {
    let got = "";
    for (let i = 0; i < 20; i++) {
      got = (await labExec(lab, gw, "ipsecctl -sf")).stdout;
      if (got.includes(flow) === present) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(got.includes(flow), `${gw} ipsecctl -sf:\n${got}`).toBe(present);
  };
  scenario({
    example: "15-x509",
    project: "openbsd-x509",
    topology: "site-to-site",
    prefix,
    config: { caSeed: { value: "lab-ca-seed-0f1e2d3c4b5a69788796a5b4c3d2e1f0", secret: true }, ike: { value: ike } },
    files,
    baselinePaths: { gw1: [CA, CERT1, KEY], gw2: [CA, CERT2, KEY] },
    flows: { gw1: [flow1], gw2: [flow2] },
    traffic: [
      // ESP (IP protocol 50) between the gateways (test/lab/emu/espd.py); the first pings may wait for the data path
      { host: "h1", command: "for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 192.168.15.10 >/dev/null && break; done; ping -c 3 -i 0.3 -W 2 192.168.15.10" },
      { host: "h2", command: "ping -c 3 -i 0.3 -W 2 172.16.0.10" },
    ],
    checks: [
      {
        name: "each gateway has the CA certificate and its own certificate for its ID, of its own key, issued by the CA",
        run: async (lab) => {
          expect(await out(lab, "gw1", `cat ${CA}`)).toBe(await out(lab, "gw2", `cat ${CA}`));
          expect(await out(lab, "gw1", `openssl x509 -in ${CA} -noout -subject -ext basicConstraints`)).toBe("subject=CN = VPN CA\nX509v3 Basic Constraints: critical\n    CA:TRUE\n");
          for (const [gw, cert, san] of [["gw1", CERT1, "IP Address:192.0.2.153"], ["gw2", CERT2, "DNS:gw2.example.org"]] as const) {
            expect(await out(lab, gw, `openssl verify -CAfile ${CA} ${cert}`)).toBe(`${cert}: OK\n`);
            expect(await out(lab, gw, `openssl x509 -in ${cert} -noout -ext subjectAltName`)).toBe(`X509v3 Subject Alternative Name: \n    ${san}\n`);
            // the certificate is of the gateway's own key
            expect(await out(lab, gw, `openssl x509 -in ${cert} -noout -pubkey`)).toBe(await out(lab, gw, `openssl pkey -in ${KEY} -pubout`));
            expect(await out(lab, gw, `ls -l ${KEY} | cut -c1-10`)).toBe("-rw-------\n");
          }
        },
      },
      {
        name: "a certificate from another CA is refused: the tunnel goes down, and comes back with the CA's",
        run: async (lab) => {
          // the daemon loads ca/ when it starts: restart it (isakmpd then needs its ike rules again)
          const restart = ike === "isakmpd" ? "rcctl restart isakmpd >/dev/null && ipsecctl -f /etc/ipsec.conf" : "rcctl restart iked >/dev/null";
          // gw1 trusts a CA of its own making instead of the VPN CA
          await out(lab, "gw1", `cp ${CA} /tmp/vpn-ca.crt && openssl req -x509 -newkey rsa:2048 -nodes -keyout /tmp/rogue.key -subj /CN=rogue -days 1 -out ${CA} 2>/dev/null`);
          await flowOn(lab, "gw2", flow2, true); // still the CA it loaded at start
          await out(lab, "gw1", restart);
          await flowOn(lab, "gw2", flow2, false);
          await out(lab, "gw1", `cp /tmp/vpn-ca.crt ${CA} && ${restart}`);
          await flowOn(lab, "gw2", flow2, true);
        },
      },
      {
        name: "a new identity for gateway 2 reissues its certificate; up restarts the daemon, which loads it, and the tunnel stays up",
        run: async (lab, stack) => {
          // the daemons read certificates only at start: without the restart gw2 would present its old certificate
          // (SAN gw2.example.org) with the new ID, and gw1 would refuse it
          await stack.setConfig("gw2Id", { value: "gw2b.example.org" });
          expect((await stack.up()).summary.result).toBe("succeeded");
          expect(await out(lab, "gw2", `openssl x509 -in ${dir}/certs/gw2b.example.org.crt -noout -ext subjectAltName`)).toBe("X509v3 Subject Alternative Name: \n    DNS:gw2b.example.org\n");
          await flowOn(lab, "gw1", flow1, true);
          await flowOn(lab, "gw2", flow2, true);
          await stack.removeConfig("gw2Id");
          expect((await stack.up()).summary.result).toBe("succeeded");
          expect((await labExec(lab, "gw2", `ls ${dir}/certs/gw2b.example.org.crt`)).code).not.toBe(0);
          await flowOn(lab, "gw1", flow1, true);
          await flowOn(lab, "gw2", flow2, true);
        },
      },
    ],
    // a hand edit of the certificate: refresh reports the file, up puts the issued one back
    edit: { gateway: "gw2", command: `cp ${CA} ${CERT2}`, file: CERT2 },
    reboot: "gw1",
    // the tunnel's data path (espd.py, a tun device esp…) ends with the flows
    destroyed: async (lab) => {
      for (const gw of ["gw1", "gw2"]) expect(await out(lab, gw, "ip -o link show | grep -c ' esp[0-9a-f]*:' || true")).toBe("0\n");
    },
  });
}
