/**
 * The lab has no DNS: in the emulated `iked -n` and `ipsecctl -n`, a host name that is no interface or group of
 * the gateway fails in host() as the parser reads it — before a syntax error later in the rule — as OpenBSD's own
 * parsers do on a host whose resolver cannot find it (outputs recorded from them, ../shared/oracle). Lint, which
 * has no resolver, leaves such names to the host; these cases are not oracle fixtures for that reason. Nor are
 * the families of an interface's addresses, which only the host knows (the last two cases).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { goldenInterfaces, sandbox, type Sandbox } from "./harness";

let sb: Sandbox;
beforeEach(async () => {
  sb = await sandbox();
  await sb.setInterfaces(goldenInterfaces());
});
afterEach(async () => {
  await sb.done();
});

/** `TOOL -n -f FILE` on `text`: what the emulated command prints and its exit status. */
async function checkOnly(tool: "iked" | "ipsecctl", file: string, text: string) {
  await sb.write(file, text);
  return sb.run(tool, ["-n", "-f", file]);
}

/** `ipsecctl -nv -f FILE` on `text`. */
async function ipsecctlNv(file: string, text: string) {
  await sb.write(file, text);
  return sb.run("ipsecctl", ["-nv", "-f", file]);
}

/** iked's refusal of an unresolvable host on line 1 of iked.conf, word for word. */
const ikedRefuses = (name: string) => ({
  stdout: "",
  stderr: `no IP address found for ${name}\niked.conf: 1: could not parse host specification\niked.conf: no valid configuration rules found\n`,
  code: 1,
});

describe("host names without DNS (the lab's gateways)", () => {
  it("iked: a name that is no interface is refused where iked reads it, not at the later syntax error", async () => {
    const text = 'ikev2 "pk" active esp from name-server to peer 198.51.100.2 srcid 198.51.100.1 dstid 198.51.100.2 ecdsa256 ecdsa256\n';
    expect(await checkOnly("iked", "iked.conf", text)).toEqual(ikedRefuses("name-server"));
  });

  it("iked: an interface group with a mask is its member's address; a mask after an unknown name is refused", async () => {
    expect(await checkOnly("iked", "iked.conf", 'ikev2 "g" active esp from 10.1.0.0/24 to no-route/24 peer 198.51.100.2 psk "k"\n')).toEqual(ikedRefuses("no-route/24"));
    expect((await checkOnly("iked", "ok.conf", 'ikev2 "g" active esp from 10.1.0.0/24 to egress/24 peer 198.51.100.2 psk "k"\n')).code).toBe(0);
  });

  it("ipsecctl: a peer or host name that is no interface is refused where ipsecctl reads it (with a mask too)", async () => {
    const text = 'ike esp from 10.1.0.0/24 to 10.2.0.0/24 peer hmac-sha2-256 auth 198.51.100.2 psk "k"\nflow esp from 10.0.0.1 to nosuch/24 peer 192.0.2.2\n';
    expect(await checkOnly("ipsecctl", "ipsec.conf", text)).toEqual({
      stdout: "",
      stderr:
        "no IP address found for hmac-sha2-256\nipsec.conf: 1: could not parse host specification\n" +
        "no IP address found for nosuch/24\nipsec.conf: 2: could not parse host specification\n" +
        "ipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      code: 1,
    });
  });

  it("ipsecctl: an interface's addresses of the other family only: expand_rule's validate_af refuses the rule", async () => {
    // em0 has 172.16.0.1 only (golden/README.md); recorded with ../shared/oracle's ipsecctl -nv
    const text =
      "flow esp from em0 to 2001:db8::5 peer 192.0.2.2\n" +
      'ike esp from em0 to 2001:db8::/32 peer 192.0.2.2 psk "x"\n' +
      "tcpmd5 from em0 to 2001:db8::5 spi 0x1000 authkey 0x6162\n" +
      "flow esp from { em0, 2001:db8::1 } to 2001:db8::5 peer 192.0.2.2\n";
    expect(await ipsecctlNv("hf.conf", text)).toEqual({
      stdout: "flow esp out from 2001:db8::1 to 2001:db8::5 peer 192.0.2.2 type require\nflow esp in from 2001:db8::5 to 2001:db8::1 peer 192.0.2.2 type require\n",
      stderr:
        "hf.conf: 1: source/destination address families do not match\nhf.conf: 2: source/destination address families do not match\n" +
        "hf.conf: 3: source/destination address families do not match\nipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      code: 1,
    });
  });

  it("ipsecctl: a (NAT) written as an interface has the family of the interface's first address", async () => {
    // em1's first address is IPv4 (golden/README.md); recorded with ../shared/oracle's ipsecctl -nv
    const text =
      "flow esp from 2001:db8:7::/64 (em1) to 2001:db8:8::/64 peer 2001:db8::2\n" +
      "flow esp from 10.1.0.0/24 to 2001:db8:8::/64 (em1) peer 2001:db8::2\n" +
      "flow esp from 10.1.0.0/24 to 10.2.0.0/24 (em1) peer 192.0.2.2\n";
    expect(await ipsecctlNv("nf.conf", text)).toEqual({
      stdout: "",
      stderr:
        "nf.conf: 1: Flow NAT address family mismatch\nnf.conf: 2: Flow NAT address family mismatch\n" +
        "nf.conf: 3: no flow NAT support for destination network: 10.2.0.0/24\nipsecctl: Syntax error in config file: ipsec rules not loaded\n",
      code: 1,
    });
  });

  it("iked: an `iface` the host does not have fails create_ike (if_nametoindex), one it has loads", async () => {
    // golden/README.md's interfaces: em0, em1, lo0, enc0, carp1, carp2, gif0; recorded with ../shared/oracle's iked -n
    const rule = (ifname: string) => `ikev2 "a" active esp from 10.0.0.0/24 to 10.0.1.0/24 peer 192.0.2.1 psk "x" iface ${ifname}\n`;
    expect(await checkOnly("iked", "iked.conf", rule("sec0"))).toEqual({
      stdout: "",
      stderr: "iked.conf: 1: invalid iface\niked.conf: 1: create_ike failed\niked.conf: no valid configuration rules found\n",
      code: 1,
    });
    expect(await checkOnly("iked", "ok.conf", rule("gif0"))).toEqual({ stdout: "", stderr: "configuration OK\n", code: 0 });
  });
});

