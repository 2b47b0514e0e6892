/**
 * The lab's netstart builds the commands etc/netstart's parse_hn_line builds (strings, before eval) and runs a plain
 * `ifconfig` itself, anything eval would treat as shell (an operator, an expansion, a backslash, a quote inside a
 * word) through the shell. Checked against the real netstart's parse_hn_line under mksh with ifconfig stubbed (900
 * generated files, tmp/nscmp.mts; the cases below are from it).
 */
import { describe, expect, it } from "vitest";
import { netstartCommands, translate } from "../../lab/emu/cmd/netstart";

describe("netstart: hostname.if lines to commands, as parse_hn_line and eval make them", () => {
  it("plain lines are ifconfig words; netmask and broadcast positional; NONE dropped", () => {
    expect(translate("em0", "inet 10.0.0.1 255.255.255.0 NONE description \"a  b\"\nup\n")).toEqual([
      { kind: "ifconfig", words: ["inet", "10.0.0.1", "netmask", "255.255.255.0", "description", "a b"] },
      { kind: "ifconfig", words: ["up"] },
    ]);
  });
  it("what eval treats as shell goes to the shell whole", () => {
    expect(translate("em0", "description my;reboot\ndescription $if\nmtu 1400 a\"b c\"\n")).toEqual([
      { kind: "sh", cmd: "ifconfig em0 description my;reboot" },
      { kind: "sh", cmd: "ifconfig em0 description $if" },
      { kind: "sh", cmd: 'ifconfig em0 mtu 1400 a"b c"' },
    ]);
  });
  it("read's backslashes, print's escapes on `!` lines, and a last line with no newline", () => {
    expect(translate("em0", "descr\\\niption x\\;y\n!echo a\\\\tb $if\nup")).toEqual([
      { kind: "sh", cmd: "ifconfig em0 description x;y" },
      { kind: "sh", cmd: "echo a\tb em0" },
    ]);
  });
  it("dest appends to the previous command's address word", () => {
    expect(translate("gif0", "inet 10.1.0.1 255.255.255.252\ndest 10.1.0.2\n")).toEqual([
      { kind: "ifconfig", words: ["inet", "10.1.0.1", "10.1.0.2", "netmask", "255.255.255.252"] },
    ]);
  });
  it("-n prints parse_hn_line's strings as they are", () => {
    expect(netstartCommands("em0", "inet 10.0.0.1 255.255.255.0 NONE description \"a  b\"\n")).toEqual(['ifconfig em0 inet 10.0.0.1 netmask 255.255.255.0  description "a b"']);
  });
});
