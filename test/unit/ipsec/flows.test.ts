/** Flows and SAs rules produce, printed as `ipsecctl -sf` / `-ss` print them (reference B.2). */
import { describe, expect, it } from "vitest";
import { flowsOf, formatFlows, formatSa, formatSas, parseIpsecConf, sasOf, sasOfIkeRule, type IkeRule } from "../../../sdk/model/ipsec";

const conf = (t: string) => parseIpsecConf(t).value;

describe("flows", () => {
  it("an ike tunnel gives the flows isakmpd installs (B.2 composed example)", () => {
    const c = conf("ike esp from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 psk x\n");
    expect(formatFlows(flowsOf(c, { localAddress: "192.0.2.1" }))).toBe(
      "flow esp in from 10.2.0.0/24 to 10.1.0.0/24 peer 198.51.100.2 srcid 192.0.2.1/32 dstid 198.51.100.2/32 type use\n" +
        "flow esp out from 10.1.0.0/24 to 10.2.0.0/24 peer 198.51.100.2 srcid 192.0.2.1/32 dstid 198.51.100.2/32 type require\n",
    );
  });

  it("ike flows with proto/port and configured ids; `local` is the default srcid", () => {
    const c = conf("ike esp proto tcp from 172.16.0.0/24 to 192.168.15.0/24 port 80 local 192.0.2.153 peer 192.0.123.85 dstid gw2.example.com\n");
    expect(formatFlows(flowsOf(c))).toBe(
      "flow esp in proto tcp from 192.168.15.0/24 port www to 172.16.0.0/24 peer 192.0.123.85 srcid 192.0.2.153/32 dstid gw2.example.com type use\n" +
        "flow esp out proto tcp from 172.16.0.0/24 to 192.168.15.0/24 port www peer 192.0.123.85 srcid 192.0.2.153/32 dstid gw2.example.com type require\n",
    );
  });

  it("a flow rule without direction: out, then the reversed in flow with the same type and peer", () => {
    const c = conf("flow esp proto ipencap from 192.0.2.2 to 192.0.2.1\nflow esp from 10.1.0.0/24 to 10.1.0.0/24 type bypass\n");
    expect(formatFlows(flowsOf(c))).toBe(
      "flow esp out proto ipencap from 192.0.2.2 to 192.0.2.1 peer 192.0.2.1 type require\n" +
        "flow esp in proto ipencap from 192.0.2.1 to 192.0.2.2 peer 192.0.2.1 type require\n" +
        "flow esp out from 10.1.0.0/24 to 10.1.0.0/24 type bypass\n" +
        "flow esp in from 10.1.0.0/24 to 10.1.0.0/24 type bypass\n",
    );
  });
});

describe("SAs", () => {
  const manual = conf(
    "esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0xdeadbeef:0xfeedbeef authkey 0x" + "ab".repeat(32) + ":0x" + "cd".repeat(32) + " enckey 0x" + "01".repeat(32) + ":0x" + "02".repeat(32) + "\n",
  );

  it("manual SAs sorted by SPI, kernel enc name from the key length", () => {
    expect(formatSas(sasOf(manual))).toBe(
      "esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0xdeadbeef auth hmac-sha2-256 enc aes-256\n" +
        "esp tunnel from 192.0.2.2 to 192.0.2.1 spi 0xfeedbeef auth hmac-sha2-256 enc aes-256\n",
    );
  });

  it("-k shows keys on continuation lines; tcpmd5 keys stay on the line", () => {
    const [sa] = sasOf(manual);
    expect(formatSa(sa!, { showKeys: true })).toBe(
      "esp tunnel from 192.0.2.1 to 192.0.2.2 spi 0xdeadbeef auth hmac-sha2-256 enc aes-256 \\\n\tauthkey 0x" + "ab".repeat(32) + " \\\n\tenckey 0x" + "01".repeat(32),
    );
    const [md5] = sasOf(conf("tcpmd5 from 192.0.2.1 to 192.0.2.2 spi 0x1000 authkey 0xdeadbeef\n"));
    expect(formatSa(md5!, { showKeys: true })).toBe("tcpmd5 from 192.0.2.1 to 192.0.2.2 spi 0x00001000 authkey 0xdeadbeef");
  });

  it("the SA pair negotiated for an ike rule uses the quick-mode transforms", () => {
    const [rule] = conf("ike esp from 172.16.0.0/24 to 192.168.15.0/24 peer 192.0.123.85 quick auth hmac-sha2-384 enc blowfish\n").statements;
    const sas = sasOfIkeRule(rule as IkeRule, { localAddress: "192.0.2.153", spiOut: 0x1234, spiIn: 0xabcd });
    expect(formatSas(sas)).toBe(
      "esp tunnel from 192.0.2.153 to 192.0.123.85 spi 0x00001234 auth hmac-sha2-384 enc blowfish\n" +
        "esp tunnel from 192.0.123.85 to 192.0.2.153 spi 0x0000abcd auth hmac-sha2-384 enc blowfish\n",
    );
  });
});
