/**
 * A gateway that refuses root logins: the connection's `user` is an admin, and every script runs as
 * `doas -n /bin/sh -s` (the lab's doas is OpenDoas, the port of OpenBSD's doas: same doas.conf(5), same messages).
 * A commit and a read work through it and the files are root's; when doas refuses, the error says what doas said
 * and the doas.conf line that lets the admin in, and nothing changes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, readLive } from "../../providers/gateway/commit";
import { classify } from "../../providers/gateway/read-script";
import { changedGw1, errOf, gwState, targetOf } from "./fixtures";

let lab: Lab;
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};
const SNAPSHOT = "sha256 -q /etc/pf.conf /etc/pf.anchors/vpn /etc/ipsec.conf /etc/sysctl.conf; sysctl -n net.inet.ip.forwarding; pfctl -a vpn -sr";
const admin = () => ({ ...targetOf(lab.gateways.gw1!), user: "admin" });
const host = () => `${lab.gateways.gw1!.host}:22`;

beforeAll(async () => {
  // gw2 is never configured: gw1's declared flows never come up, the confirm waits 3 s for them, not 15
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  lab = await labUp("site-to-site", { prefix: "t9d", quiet: true });
  await commit(targetOf(lab.gateways.gw1!), { news: gwState("gw1"), rollbackSeconds: 30 });
  // an admin in wheel, logging in with the lab's key (its home under the gateway's own /var)
  await gw(
    [
      "echo 'admin:x:1500:1500:admin:/var/home/admin:/bin/ksh' >> /etc/passwd",
      "echo 'admin:*:20228:0:99999:7:::' >> /etc/shadow",
      "echo 'admin:x:1500:' >> /etc/group",
      "sed -i 's/^wheel:x:0:root$/wheel:x:0:root,admin/' /etc/group",
      "mkdir -p /var/home/admin/.ssh && cp /root/.ssh/authorized_keys /var/home/admin/.ssh/",
      "chown -R 1500:1500 /var/home/admin && chmod 700 /var/home/admin/.ssh",
    ].join(" && "),
  );
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) await labDown(lab);
});

describe("a login user other than root, through doas", () => {
  it("with `permit nopass admin as root cmd /bin/sh`: a commit and a read work, the files are root's, and back", async () => {
    await gw("echo 'permit nopass admin as root cmd /bin/sh' > /etc/doas.conf && chmod 600 /etc/doas.conf");
    const t = admin();
    await commit(t, { olds: gwState("gw1"), news: changedGw1(), rollbackSeconds: 30 });
    expect(await gw("sysctl -n net.inet.ip.forwarding; stat -c '%a %U %G' /etc/pf.anchors/vpn /etc/ipsec.conf")).toBe("2\n600 root wheel\n600 root wheel\n");
    expect(Object.entries(classify(changedGw1(), await readLive(t, changedGw1())).drift).filter(([, v]) => v !== "in sync")).toEqual([]);
    await commit(t, { olds: changedGw1(), news: gwState("gw1"), rollbackSeconds: 30 });
    expect(Object.entries(classify(gwState("gw1"), await readLive(t, gwState("gw1"))).drift).filter(([, v]) => v !== "in sync")).toEqual([]);
  });

  const REFUSALS = [
    { conf: "permit admin as root", doas: "doas: Authentication required" },
    { conf: "permit nopass admin as root cmd /bin/ls", doas: "doas: Operation not permitted" },
    { conf: undefined, doas: "doas: doas is not enabled, /etc/doas.conf: No such file or directory" },
  ] as const;
  for (const r of REFUSALS) {
    it(`${r.conf ? `with \`${r.conf}\`` : "without /etc/doas.conf"}: commit and read fail with doas's words and the fix; nothing changes`, async () => {
      await gw(r.conf ? `echo '${r.conf}' > /etc/doas.conf` : "rm -f /etc/doas.conf");
      const before = await gw(SNAPSHOT);
      const why = `${host()}: admin cannot run commands as root: \`doas -n /bin/sh -s\` refused (${r.doas}). Let admin run /bin/sh as root without a password in the gateway's /etc/doas.conf (doas.conf(5)): \`permit nopass admin as root cmd /bin/sh\`; or connect as root`;
      expect(await errOf(commit(admin(), { olds: gwState("gw1"), news: changedGw1(), rollbackSeconds: 30 }))).toBe(`${why}; nothing was changed (the gateway is on its OLD configuration)`);
      expect(await errOf(readLive(admin(), gwState("gw1")))).toBe(why);
      expect(await gw(SNAPSHOT)).toBe(before);
    });
  }
});

describe("a login the gateway refuses", () => {
  /** A key the gateway has never seen, and its fingerprint as `ssh-keygen -lf` prints it. */
  function strangerKey(): { privateKey: string; fingerprint: string } {
    const dir = mkdtempSync(join(tmpdir(), "stranger-"));
    try {
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", join(dir, "id")]);
      const fingerprint = execFileSync("ssh-keygen", ["-lf", join(dir, "id.pub")], { encoding: "utf8" }).split(" ")[1]!;
      return { privateKey: readFileSync(join(dir, "id"), "utf8"), fingerprint };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  it("as root with a key not in authorized_keys: names the key by its fingerprint, authorized_keys and PermitRootLogin; nothing changes", async () => {
    const k = strangerKey();
    const before = await gw(SNAPSHOT);
    const why = `${host()}: the gateway refused the login as root with the connection's privateKey (its public key is ${k.fingerprint}): add that public key to /root/.ssh/authorized_keys on the gateway; root also needs \`PermitRootLogin prohibit-password\` in its /etc/ssh/sshd_config (the installer's default is \`no\`), or connect as a user that doas(1) lets run /bin/sh as root`;
    expect(await errOf(readLive({ ...targetOf(lab.gateways.gw1!), privateKey: k.privateKey }, gwState("gw1")))).toBe(why);
    expect(await errOf(commit({ ...targetOf(lab.gateways.gw1!), privateKey: k.privateKey }, { olds: gwState("gw1"), news: changedGw1(), rollbackSeconds: 30 }))).toContain(why);
    expect(await gw(SNAPSHOT)).toBe(before);
  });
  it("as another user: names that user's authorized_keys", async () => {
    const k = strangerKey();
    expect(await errOf(readLive({ ...admin(), privateKey: k.privateKey }, gwState("gw1")))).toBe(
      `${host()}: the gateway refused the login as admin with the connection's privateKey (its public key is ${k.fingerprint}): add that public key to ~admin/.ssh/authorized_keys on the gateway`,
    );
  });
});
