/**
 * Lint opens what a pf.conf names, as pfctl -n does: a table's `file "PATH"` and `load anchor NAME from
 * "PATH"` (the loaded file is linted as that anchor, its diagnostics under its own path).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintFile, processIo, runLint, type CliIo } from "../../../sdk/lint";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";

const files: Record<string, string> = {
  "/etc/pf.anchors/good": "pass in proto tcp to port 22\n",
  "/etc/pf.anchors/bad": "pass in\npass bogus\n",
  "/etc/pf.anchors/loop": 'anchor "l"\nload anchor "l" from "/etc/pf.anchors/loop"\n',
  "/etc/pf.table": "192.0.2.1\n",
};
const lint = (text: string) => lintFile("pf.conf", text, { kind: "pf", include: (p) => files[p] }).map(formatDiagnostic);

describe("lint follows the files a pf.conf names", () => {
  it("a table file that exists is fine; a missing one is pfctl's error on the table's line", () => {
    expect(lint('table <t> persist file "/etc/pf.table"\npass in from <t>\n')).toEqual([]);
    expect(lint('pass out\ntable <t> persist file "/etc/nope"\npass in from <t>\n')).toEqual([
      'pf.conf:2:35: cannot load "/etc/nope": No such file or directory: the table file must exist when pfctl loads the ruleset',
    ]);
  });

  it("a loaded anchor file is linted under its own path; a missing one is an error on the load line", () => {
    expect(lint('anchor "a"\nload anchor "a" from "/etc/pf.anchors/good"\n')).toEqual([]);
    expect(lint('anchor "a"\nload anchor "a" from "/etc/pf.anchors/bad"\n')).toEqual(["/etc/pf.anchors/bad:2:6: syntax error: unexpected `bogus`"]);
    expect(lint('anchor "a"\nload anchor "a" from "/etc/pf.anchors/missing"\n')).toEqual([
      "pf.conf:2:1: load anchor a: pushfile: /etc/pf.anchors/missing: No such file or directory; pfctl loads it with the ruleset: the file must exist on the host",
    ]);
  });

  it("a file that loads itself stops after a bounded depth", () => {
    expect(lint('anchor "l"\nload anchor "l" from "/etc/pf.anchors/loop"\n')).toEqual([]);
  });

  it("without a reader nothing is opened (as before)", () => {
    expect(lintFile("pf.conf", 'table <t> file "/etc/nope"\nanchor "a"\nload anchor "a" from "/etc/nope"\n', { kind: "pf" })).toEqual([]);
  });
});

describe("the CLI's reader of named files", () => {
  it("reads regular files only: a FIFO or a device named as a table file is unreadable, and lint does not hang", () => {
    const dir = mkdtempSync(join(tmpdir(), "pf-files-"));
    try {
      writeFileSync(join(dir, "ok.table"), "192.0.2.1\n");
      writeFileSync(join(dir, "a.pf"), "pass in\npass bogus\n");
      execFileSync("mkfifo", [join(dir, "fifo")]);
      const conf = join(dir, "pf.conf");
      const outs: string[] = [];
      const io: CliIo = { ...processIo, out: (l) => outs.push(l), err: (l) => outs.push(l) };
      const put = (text: string) => {
        writeFileSync(conf, text);
        chmodSync(conf, 0o600);
        outs.length = 0;
        return runLint([conf], io);
      };
      expect(put(`table <t> persist file "${dir}/ok.table"\npass in from <t>\n`)).toBe(0);
      expect(outs).toEqual([]);
      expect(put(`table <t> persist file "${dir}/fifo"\ntable <z> persist file "/dev/zero"\npass in from { <t> <z> }\n`)).toBe(1);
      expect(outs[0]).toBe(`${conf}:1:${`table <t> persist file "${dir}/fifo"`.length + 1}: cannot load "${dir}/fifo": No such file or directory: the table file must exist when pfctl loads the ruleset`);
      expect(put(`anchor "a"\nload anchor "a" from "${dir}/a.pf"\n`)).toBe(1);
      expect(outs).toEqual([`${dir}/a.pf:2:6: syntax error: unexpected \`bogus\``]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("lint follows a pf.conf's include as pfctl does", () => {
  const inc: Record<string, string> = {
    "/etc/pf.d/lan.conf": 'lan = "10.0.0.0/8"\nblock in on em0\n',
    "/etc/pf.d/bad.conf": "pass in\npass bogus in\n",
  };
  const lintInc = (text: string) => lintFile("pf.conf", text, { kind: "pf", include: (p) => inc[p] }).map(formatDiagnostic);
  it("an included file's statements and macros count as written in place", () => {
    expect(lintInc('include "/etc/pf.d/lan.conf"\npass out on em0 from $lan\n')).toEqual([]);
  });
  it("an error in an included file is under its own name and line; a missing file is pfctl's error on the include", () => {
    expect(lintInc('include "/etc/pf.d/bad.conf"\npass out\n')).toEqual(["/etc/pf.d/bad.conf:2:6: syntax error: unexpected `bogus`"]);
    expect(lintInc('pass\ninclude "/etc/pf.d/nope.conf"\n')).toEqual([
      "pf.conf:2:9: failed to include file /etc/pf.d/nope.conf: the file must exist on the host when pfctl loads the ruleset",
    ]);
  });
});
