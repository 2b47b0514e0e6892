// A gateway's root login is its own: /bin/ksh as in its private /etc/passwd (OpenBSD's root shell; /bin/sh is the same
// ksh, of the pdksh family, as on OpenBSD), and a private /root holding only .ssh/authorized_keys (never the host's /root
// and its dotfiles).
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labUp, type Lab } from "./api";
import { labSshdBinary } from "./lab-sshd";
import { labToolsDir } from "./lab-tools";
import { sshConnect, type Session } from "./helpers/ssh";

describe("root's login on a gateway", () => {
  let lab: Lab;
  let gw1: Session;
  beforeAll(async () => {
    lab = await labUp("site-to-site", { prefix: "t9h", quiet: true });
    gw1 = await sshConnect(lab.gateways.gw1!);
  });
  afterAll(async () => {
    gw1?.end();
    await labDown("t9h");
  });

  it("runs ksh with a home holding only .ssh/authorized_keys", async () => {
    expect(await gw1.exec("echo $0; ls -a ~")).toEqual({ stdout: "ksh\n.\n..\n.ssh\n", stderr: "", code: 0 });
    expect(await gw1.exec("ls -a ~/.ssh; grep '^root:' /etc/passwd")).toEqual({
      stdout: ".\n..\nauthorized_keys\nroot:x:0:0:Charlie &:/root:/bin/ksh\n", stderr: "", code: 0,
    });
    // /bin/sh is the same shell, of the pdksh family (not Debian's dash)
    expect((await gw1.exec("sh -c 'echo ${KSH_VERSION:+pdksh}'")).stdout).toBe("pdksh\n");
  });

  // the sshd it logs in through is OpenSSH built as OpenBSD's (lab-sshd.ts): it knows no PAM, as OpenBSD's does not,
  // and says so about a `UsePAM` line in the words of OpenBSD's sshd -t
  it.skipIf(!labSshdBinary())("goes through an sshd built without PAM, as OpenBSD's", async () => {
    const r = await gw1.exec("printf 'UsePAM no\\nHostKey /etc/ssh/ssh_host_ed25519_key\\n' > /tmp/pam.conf; sshd -t -f /tmp/pam.conf; echo $?; readlink /proc/$(cat /run/sshd.pid)/exe");
    expect(r).toEqual({ stdout: "0\n/usr/sbin/sshd\n", stderr: "/tmp/pam.conf line 1: Unsupported option UsePAM\r\n", code: 0 });
  });

  // the base tools the provider's scripts start by the dozen are static programs, as OpenBSD's /bin (lab-tools.ts):
  // GNU's, as before, with the gateway's own users and groups and the same words when they fail
  it.skipIf(!labToolsDir())("runs base tools linked statically, as OpenBSD's /bin", async () => {
    const tools = ["cat", "ls", "cmp", "grep", "printf", "mv", "chmod", "rm"];
    const r = await gw1.exec(`for t in ${tools.join(" ")}; do p=$(command -v $t); readelf -l "$p" | grep -q 'program interpreter' && echo "$p is dynamic"; done; ls -ld /etc/passwd | awk '{print $1, $3, $4}'; cat /nonexistent; echo $?`);
    expect(r).toEqual({ stdout: "-rw-r--r-- root wheel\n1\n", stderr: "cat: /nonexistent: No such file or directory\n", code: 0 });
  });

  it("keeps what a session writes to ~ off the host's /root", async () => {
    const probe = `.lab-probe-${process.pid}`;
    expect((await gw1.exec(`touch ~/${probe} && ls -a ~`)).stdout).toBe(`.\n..\n${probe}\n.ssh\n`);
    expect(existsSync(`/root/${probe}`)).toBe(false);
    expect(existsSync(`${lab.gateways.gw1!.root}/root/${probe}`)).toBe(true);
    expect((await gw1.exec(`rm ~/${probe}`)).code).toBe(0);
  });
});
