/**
 * A hostile or broken gateway (the provider in-process against the lab, no engine): a managed path that is no regular
 * file — a named pipe that blocks every reader, a link to /dev/zero that never ends, a directory —, a command that
 * never ends and one that prints without end. Each is drift or one clean error naming host, path and fix, within seconds: never a read or a
 * commit that hangs, never a plugin that fills its memory, and the gateway stays on its OLD configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labDown, labExec, labUp, type Lab } from "../lab/api";
import { commit, readLive, uninstall } from "../../providers/gateway/commit";
import { classify } from "../../providers/gateway/read-script";
import { MAX_OUTPUT_BYTES, SshSession } from "../../providers/transport/ssh";
import { gwState, targetOf } from "./fixtures";

let lab: Lab;
let host: string;
const gw = async (cmd: string) => {
  const r = await labExec(lab, "gw1", cmd);
  return r.stdout + r.stderr;
};
/** What a commit must leave alone: every managed file's content and the loaded anchor. */
const SNAPSHOT = "sha256 -q /etc/pf.conf /etc/pf.anchors/vpn /etc/ipsec.conf /etc/sysctl.conf; pfctl -a vpn -sr; ls /var/db/pulumi-openbsd";
/** Drifted items of a read of gw1 against its declared state. */
const drifted = async () => Object.entries(classify(gwState("gw1"), await readLive(targetOf(lab.gateways.gw1!), gwState("gw1"))).drift).filter(([, v]) => v !== "in sync");

beforeAll(async () => {
  // gw2 is never configured: the confirm waits 3 s for gw1's flows, not 15
  process.env.PULUMI_OPENBSD_FLOW_WAIT = "3";
  lab = await labUp("site-to-site", { quiet: true });
  host = `${lab.gateways.gw1!.host}:22`;
  await commit(targetOf(lab.gateways.gw1!), { news: gwState("gw1"), rollbackSeconds: 30 });
});
afterAll(async () => {
  delete process.env.PULUMI_OPENBSD_FLOW_WAIT;
  if (lab) await labDown(lab);
});

describe("a managed path that is no regular file", () => {
  const cases = [
    { what: "a named pipe", path: "/etc/hostname.em0", make: "mkfifo /etc/hostname.em0", kind: "a named pipe (FIFO)", ls: /^p/ },
    { what: "a link to /dev/zero", path: "/etc/hostname.em0", make: "ln -s /dev/zero /etc/hostname.em0", kind: "a symbolic link to /dev/zero, which is no regular file", ls: /^l.* -> \/dev\/zero$/ },
    // the anchor's file is no file: what it would load is unknown, so the loaded anchor counts as drifted too
    { what: "a directory", path: "/etc/pf.anchors/vpn", make: "mkdir /etc/pf.anchors/vpn", kind: "a directory", ls: /^d/, also: [['anchors["vpn"]', "running drifted"]] },
  ];
  for (const c of cases) {
    it(`${c.what}: refresh reports the file drifted without reading it; up refuses, names path and fix, changes nothing; once moved away, up commits`, async () => {
      const saved = `${c.path}.test-saved`;
      await gw(`mv ${c.path} ${saved} && ${c.make}`);
      try {
        expect(await drifted()).toEqual([...(c.also ?? []), [`files["${c.path}"]`, "file drifted"]]);
        const before = await gw(SNAPSHOT);
        const err = await commit(targetOf(lab.gateways.gw1!), { olds: gwState("gw1"), news: gwState("gw1"), rollbackSeconds: 30 }).then(
          () => new Error("the commit succeeded"),
          (e: Error) => e,
        );
        const m = /^(.*) \(`ls -ld` shows: (.*)\), then run `pulumi up` again\.$/.exec(err.message);
        expect(m?.[1]).toBe(
          `${host}: ${c.path} on the gateway is ${c.kind}; pulumi-openbsd manages it as a file and never reads, copies or replaces anything else. ` +
            "Nothing was changed (the gateway is on its OLD configuration). Move it out of the way by hand",
        );
        expect(m?.[2]).toMatch(c.ls);
        expect(await gw(SNAPSHOT)).toBe(before);
        expect(await gw(`[ -f ${c.path} ] || echo still-not-a-file`)).toBe("still-not-a-file\n");
      } finally {
        await gw(`rm -rf ${c.path} && mv ${saved} ${c.path}`);
      }
      expect(await drifted()).toEqual([]);
    });
  }
  it("a new path that is a named pipe: the first commit refuses it too", async () => {
    const news = gwState("gw1");
    news.files["/etc/motd.vpn"] = { content: "vpn\n", mode: "0644", owner: "root", group: "wheel", check: "none" };
    await gw("mkfifo /etc/motd.vpn");
    try {
      await expect(commit(targetOf(lab.gateways.gw1!), { olds: gwState("gw1"), news, rollbackSeconds: 30 })).rejects.toThrow(
        `${host}: /etc/motd.vpn on the gateway is a named pipe (FIFO);`,
      );
    } finally {
      await gw("rm -f /etc/motd.vpn");
    }
  });
});

describe("a command that never ends", () => {
  it("a read stops after PULUMI_OPENBSD_READ_TIMEOUT seconds, closes the connection and says so", async () => {
    // sshd runs ~/.ssh/rc before every session's command (sshd(8) SSHRC): one that never ends holds every read
    await gw("printf 'sleep 30\\n' > /root/.ssh/rc");
    process.env.PULUMI_OPENBSD_READ_TIMEOUT = "2";
    try {
      const t0 = Date.now();
      await expect(readLive(targetOf(lab.gateways.gw1!), gwState("gw1"))).rejects.toThrow(
        `${host}: \`read live state\` did not finish within 2 s; stopped it and closed the connection (a command on the gateway hangs)`,
      );
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      delete process.env.PULUMI_OPENBSD_READ_TIMEOUT;
      await gw("rm -f /root/.ssh/rc");
    }
    expect(await drifted()).toEqual([]);
  });
});

describe("what a gateway prints reaches the user's terminal inert", () => {
  it("an escape sequence, a carriage return or a bidi override in a failing command's output is shown escaped", async () => {
    const s = await SshSession.open(targetOf(lab.gateways.gw1!));
    try {
      await expect(s.run("printf '\\033[2Jcleared\\rover\\342\\200\\256txt\\tand a tab\\n' >&2; exit 3\n", { name: "hostile" })).rejects.toThrow(
        `${host}: \`hostile\` failed (exit status 3): \\u001b[2Jcleared\\rover\\u202etxt\tand a tab`,
      );
    } finally {
      s.close();
    }
  });
});

describe("a command that prints without end", () => {
  it(`stops past ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB, closes the connection and says so`, async () => {
    const s = await SshSession.open(targetOf(lab.gateways.gw1!));
    try {
      await expect(s.exec("cat /dev/zero\n", { name: "endless" })).rejects.toThrow(
        `${host}: \`endless\` printed more than 64 MiB; stopped it and closed the connection (a managed file may be huge, or the host is not an OpenBSD gateway this provider can read)`,
      );
    } finally {
      s.close();
    }
    // the next operation opens a connection of its own and works
    expect(await drifted()).toEqual([]);
  });
});

describe("destroy on a gateway whose rule file became a named pipe", () => {
  it("does not wait on it: every managed file goes back to its baseline, the pipe included", async () => {
    // mode 0600: ipsecctl(8) refuses a rule file others may read, and must get as far as opening it
    await gw("rm -f /etc/ipsec.conf && mkfifo -m 600 /etc/ipsec.conf");
    await uninstall(targetOf(lab.gateways.gw1!), gwState("gw1"));
    expect(await gw("[ -p /etc/ipsec.conf ] && echo still-a-pipe; find /var/db/pulumi-openbsd/baseline -type f 2>/dev/null | wc -l")).toBe("0\n");
  });
});
