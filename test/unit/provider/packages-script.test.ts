/**
 * Packages in the on-host scripts (providers/gateway/packages-script.ts): shellcheck clean inside the stage,
 * apply and delete scripts, and run for real with sh against stand-in pkg_add/pkg_info/pkg_delete that log
 * their calls: only missing packages are installed, only recorded ones are deleted.
 */
import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { applyScript, deleteScript, stageScript } from "../../../providers/gateway/commit-script";
import { installLines, installedStems, removeLines } from "../../../providers/gateway/packages-script";
import { gwState } from "../../provider/fixtures";
import { TEST_PRIVATE_KEY } from "../../support/ssh-key";

describe("packages in the commit scripts", () => {
  const news = { ...gwState("gw1"), packages: ["openvpn", "tinc"] };
  const olds = { ...gwState("gw1"), packages: ["openvpn", "vim--no_x11"] };
  const c = { id: "0123456789ab", olds, news, rollbackSeconds: 60 };

  it("are shellcheck clean in stage, apply and delete", () => {
    for (const text of [stageScript(c), applyScript(c), deleteScript(news)]) {
      expect(text).toContain("pkg_");
      execFileSync("shellcheck", ["-s", "sh", "-f", "gcc", "-"], { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    }
    expect(applyScript(c)).toContain("pkg_delete -I 'vim--no_x11'");
    expect(applyScript(c)).not.toContain("pkg_delete -I 'openvpn'");
  });

  it("install what is missing, record it, and delete only what they recorded", () => {
    const d = mkdtempSync(path.join(tmpdir(), "pkgscript-"));
    try {
      const bin = path.join(d, "bin");
      execFileSync("mkdir", ["-p", bin, path.join(d, "state")]);
      // stand-ins: the installed set in $d/installed, every call logged in $d/log
      writeFileSync(path.join(bin, "pkg_info"), `#!/bin/sh\necho "pkg_info $*" >> ${d}/log\ncat ${d}/installed\n`, { mode: 0o755 });
      writeFileSync(path.join(bin, "pkg_add"), `#!/bin/sh\necho "pkg_add $*" >> ${d}/log\n[ "$2" = nosuch ] && { echo "Can't find nosuch"; exit 1; }\necho "$2-1.0" >> ${d}/installed\n`, { mode: 0o755 });
      writeFileSync(path.join(bin, "pkg_delete"), `#!/bin/sh\necho "pkg_delete $*" >> ${d}/log\n`, { mode: 0o755 });
      writeFileSync(path.join(d, "installed"), "tinc-1.0.36\npython-3.11.9p0\n");
      const lib = ['D="$1"', "fail() { printf '@@fail %s\\n%s\\n' \"$1\" \"$2\" >&2; exit 1; }", "rec() { printf '%s\\n' \"$1\" >> \"$2\"; }"];
      const run = (lines: string[]) => spawnSync("sh", ["-c", [...lib, ...lines].join("\n"), "sh", path.join(d, "state")], { encoding: "utf8", env: { PATH: `${bin}:/usr/bin:/bin` } });
      const r = run(installLines(["openvpn", "tinc", "python%3.11"]));
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(path.join(d, "log"), "utf8").split("\n").filter((l) => l.startsWith("pkg_add"))).toEqual(["pkg_add -I openvpn"]);
      expect(readFileSync(path.join(d, "state", "packages"), "utf8")).toBe("openvpn\n");
      const bad = run(installLines(["nosuch"]));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toBe("@@fail pkg_add -I nosuch\nCan't find nosuch\n");
      const del = run(removeLines(["tinc", "openvpn"]));
      expect(del.status, del.stderr).toBe(0);
      expect(readFileSync(path.join(d, "log"), "utf8").split("\n").filter((l) => l.startsWith("pkg_delete"))).toEqual(["pkg_delete -I openvpn"]);
      expect(existsSync(path.join(d, "state", "packages"))).toBe(false);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("reads stems from pkg_info -q", () => {
    expect(installedStems("openvpn-2.6.12\np5-Net-DNS-1.40\npython-3.11.9p0\n\n")).toEqual(["openvpn", "p5-Net-DNS", "python"]);
  });
});

describe("packages in check, read and diff", () => {
  it("check refuses a package name outside the grammar, naming it", async () => {
    const { validate } = await import("../../../providers/resources/gateway-config");
    const state = { ...gwState("gw1"), packages: ["openvpn", "x;reboot"] };
    const f = validate({ connection: { host: "192.0.2.153", user: "root", port: 22, privateKey: TEST_PRIVATE_KEY, hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOiTE7+GTIvAgiHL8gWqtrDRhmHr6ugaoJ5R9CA1VeGy" }, state } as never);
    expect(f.map((x) => x.reason)).toEqual(["state.packages: `x;reboot`: not a package stem (letters, digits and `_+.`, words joined by `-`); give the package's stem as pkg_add takes it, e.g. `openvpn`, `tinc`, `vim--no_x11` or `python%3.11`"]);
  });

  it("a package removed by hand is drift (`file drifted`), the read's inputs lack it, and the diff adds it back", async () => {
    const { classify, parseReadOutput, readScript } = await import("../../../providers/gateway/read-script");
    const { diffInputs } = await import("../../../providers/resources/gateway-config");
    const desired = { ...gwState("gw1"), packages: ["openvpn", "tinc"] };
    expect(readScript(desired, "M")).toContain('echo "@@M packages"\npkg_info -q 2>/dev/null\n');
    const live = parseReadOutput("@@M packages\ntinc-1.0.36\n@@M done\n", "M");
    if (typeof live === "string") throw new Error(live);
    expect(live.packages).toEqual(["tinc"]);
    const { drift, observed } = classify(desired, live);
    expect(drift['packages["openvpn"]']).toBe("file drifted");
    expect(drift['packages["tinc"]']).toBe("in sync");
    expect(observed.packages).toEqual(["tinc"]);
    const conn = { host: "192.0.2.153", privateKey: "k" };
    const d = diffInputs({ connection: conn, state: observed, drift: { 'packages["openvpn"]': "file drifted" } } as never, { connection: conn, state: desired } as never);
    expect(d.changes).toBe(true);
    expect(d.detailedDiff?.['state.packages["openvpn"]']).toEqual({ kind: "add" });
  });
});
