/**
 * Root's login shell is the admin's choice: sshd starts it to run `exec /bin/sh -s`, and whatever it reads first
 * (csh's ~/.cshrc, bash's ~/.bashrc, the session's ~/.ssh/rc) may print on stdout or stderr. A commit and a read must
 * work through each, chatty or not. csh here is Debian's, which also leaves copies of the session's pipes open on
 * descriptors 3 to 5 (OpenBSD's csh marks them close-on-exec): the commit's rollback timer and anything the apply
 * starts must not inherit them, or the command only ends when the timer does (it did: a stage of 30 s, then a
 * rollback of a commit that had nothing wrong).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, readLive } from "../../providers/gateway/commit";
import { classify } from "../../providers/gateway/read-script";
import { changedGw1, gwState, targetOf } from "./fixtures";

let lab: Lab;
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};
/** Root's login shell set to `shell` (its /etc/passwd entry), the rest of the entry as the lab has it. */
const loginShell = (shell: string) => gw(`sed -i 's|^\\(root:[^:]*:0:0:[^:]*:/root:\\).*$|\\1${shell}|' /etc/passwd && grep '^root:' /etc/passwd`);

beforeAll(async () => {
  // gw2 is never configured: gw1's declared flows never come up, the confirm waits 3 s for them, not 15
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  lab = await labUp("site-to-site", { prefix: "t9l", quiet: true });
  await commit(targetOf(lab.gateways.gw1!), { news: gwState("gw1"), rollbackSeconds: 30 });
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) await labDown(lab);
});

const LOGINS = [
  { shell: "/bin/csh", what: "csh whose ~/.cshrc prints on stdout and stderr and runs stty without a terminal", setup: "printf 'echo Welcome to csh\\necho csh-err > /dev/stderr\\nstty erase ^H\\n' > /root/.cshrc" },
  { shell: "/bin/csh", what: "csh with an empty ~/.cshrc", setup: ": > /root/.cshrc" },
  { shell: "/bin/bash", what: "bash whose ~/.bashrc prints, a marker-like line among it", setup: "printf 'echo Welcome to bash\\necho @@fail not-ours >&2\\n' > /root/.bashrc" },
  { shell: "/bin/ksh", what: "ksh with a ~/.ssh/rc that prints on stdout and stderr", setup: "printf 'echo rc-out\\necho rc-err >&2\\n' > /root/.ssh/rc" },
] as const;

describe("root's login shell and its start-up files", () => {
  for (const l of LOGINS) {
    it(`${l.what}: a commit swaps, applies and confirms, and reads back in sync, both ways`, async () => {
      expect(await loginShell(l.shell)).toBe(`root:x:0:0:Charlie &:/root:${l.shell}\n`);
      await gw(l.setup);
      try {
        const t = targetOf(lab.gateways.gw1!);
        const drifted = async (want: ReturnType<typeof gwState>) => Object.entries(classify(want, await readLive(t, want)).drift).filter(([, v]) => v !== "in sync");
        expect(await drifted(gwState("gw1"))).toEqual([]);
        const r = await commit(t, { olds: gwState("gw1"), news: changedGw1(), rollbackSeconds: 30 });
        expect(r).toBeDefined();
        expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("2\n");
        expect(await drifted(changedGw1())).toEqual([]);
        await commit(t, { olds: changedGw1(), news: gwState("gw1"), rollbackSeconds: 30 });
        expect(await gw("sysctl -n net.inet.ip.forwarding")).toBe("1\n");
        expect(await drifted(gwState("gw1"))).toEqual([]);
        // no rollback is pending or was taken: each commit confirmed itself
        expect(await gw("ls /var/db/pulumi-openbsd/rollback | wc -l")).toMatch(/^\s*0\n$/);
      } finally {
        await gw("rm -f /root/.cshrc /root/.bashrc /root/.ssh/rc");
        await loginShell("/bin/ksh");
      }
    });
  }
});
