/**
 * Repair of manually keyed flows/SAs after a hand edit of /etc/ipsec.conf (an SPI changed, loaded or
 * not, or a flow added): `ipsecctl -d -f OLD` meets entries that were never loaded (`PF_KEY failed: No
 * such process`), which is tolerated; the new file is loaded and the kernel's flows and SAs are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit } from "../../providers/gateway/commit";
import type { HostState } from "../../sdk/state";
import { expectedKernel, parseIpsecConf } from "../../sdk/model/ipsec";
import { targetOf } from "./fixtures";

const AK = "ebfd3e8038fd1c9eadcc32308e5f12aba813114614855e4a93e7407f3c40f827";
const AK2 = "7a5a5832c43395c62aa1c443cfda68f3f8fff89378fdb2df40419df01547a40a";
const EK = "46c670e4ad2ef30a29a0ce64738d01e5";
const EK2 = "811ce51cebcaed4280aae9cb2e195f93";
const CONF = `flow esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85
esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef:0xfeedbeef auth hmac-sha2-256 enc aes \\
 authkey 0x${AK}:0x${AK2} enckey 0x${EK}:0x${EK2}
`;
const SAS = "esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0xdeadbeef auth hmac-sha2-256 enc aes\nesp tunnel from 192.0.123.85 to 192.0.2.153 spi 0xfeedbeef auth hmac-sha2-256 enc aes\n";

const state = (): HostState => ({
  files: { "/etc/ipsec.conf": { content: CONF, mode: "0600", owner: "root", group: "wheel", secret: true, check: "ipsec" } },
  sysctls: {},
  services: { ipsec: { order: 2, enabled: true, running: true } },
  interfaces: [],
  anchors: {},
  ipsec: { daemon: "none", ruleFile: "/etc/ipsec.conf" },
  ipsecKernel: expectedKernel(parseIpsecConf(CONF).value),
});

let lab: Lab;
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};
const KERNEL = "ipsecctl -sf; ipsecctl -ss";

beforeAll(async () => {
  lab = await labUp("site-to-site", { prefix: "h6ips", quiet: true });
  await commit(targetOf(lab.gateways.gw1!), { news: state(), rollbackSeconds: 30 });
});
afterAll(async () => {
  if (lab) await labDown(lab);
});

describe("repair of manual flows and SAs after a hand edit", () => {
  const edits = {
    "an SPI changed and loaded": "sed -i 's/0xdeadbeef:/0xdeadbee0:/' /etc/ipsec.conf && ipsecctl -f /etc/ipsec.conf",
    "an SPI changed, not loaded": "sed -i 's/0xdeadbeef:/0xdeadbee0:/' /etc/ipsec.conf",
    "a flow added, not loaded": "echo 'flow esp from 172.16.1.0/24 to 192.168.16.0/24 peer 192.0.123.85' >> /etc/ipsec.conf",
  };
  for (const [what, cmd] of Object.entries(edits)) {
    it(`${what}: the next commit restores the file and exactly the declared flows and SAs`, async () => {
      const before = await gw(KERNEL);
      expect(before).toContain(SAS);
      expect(before).toContain("flow esp out from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85");
      expect(await gw(cmd)).toBe("");
      const r = await commit(targetOf(lab.gateways.gw1!), { olds: state(), news: state(), rollbackSeconds: 30 });
      expect(r.changed).toEqual(["/etc/ipsec.conf"]);
      expect(await gw("cat /etc/ipsec.conf")).toBe(CONF);
      expect(await gw(KERNEL)).toBe(before);
    });
  }
});
