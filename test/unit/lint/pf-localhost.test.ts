/**
 * `localhost` in pf.conf is what every OpenBSD host's /etc/hosts makes it: 127.0.0.1 and ::1 (pfctl's host_dns).
 * Lint and the lab read it so (OpenBSD's regress pf12, pf104); other names are the host's own (lint accepts them).
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic } from "../../../sdk/model/diagnostics";
import { formatStatement, parsePfDetailed } from "../../../sdk/model/pf";
import { GOLDEN_PF_INTERFACES } from "./golden-cases";

const lint = (text: string) => lintFile("pf.conf", text, { kind: "pf" }).map(formatDiagnostic);
const loaded = (text: string) => parsePfDetailed(text, "pf.conf", { verbose: false }).loaded.map(formatStatement);

describe("localhost", () => {
  it("is 127.0.0.1 and ::1, masks and families as pfctl applies them", () => {
    expect(loaded("pass in from localhost\n")).toEqual(["pass in inet from 127.0.0.1 to any flags S/SA", "pass in inet6 from ::1 to any flags S/SA"]);
    expect(loaded("pass in inet from ! LOCALHOST to localhost/16\n")).toEqual(["pass in inet from ! 127.0.0.1 to 127.0.0.0/16 flags S/SA"]);
  });

  it("divert-to localhost takes the address of the rule's family, else the first", () => {
    expect(lint("pass in proto tcp to port 25 divert-to localhost port 8025\npass in inet6 proto tcp to port 25 divert-to localhost port 8025\n")).toEqual([]);
    expect(loaded("pass in inet6 proto tcp to port 25 divert-to localhost port 8025\n")).toEqual(["pass in inet6 proto tcp from any to any port = 25 flags S/SA divert-to ::1 port 8025"]);
    expect(loaded("pass in proto tcp to port 25 divert-to localhost port 8025\n")).toEqual(["pass in inet proto tcp from any to any port = 25 flags S/SA divert-to 127.0.0.1 port 8025"]);
  });

  it("localhost:network is no interface of a host whose interfaces are known: pfctl's error", () => {
    const withHost = lintFile("pf.conf", "pass in from localhost:network\n", { kind: "pf", pfInterfaces: GOLDEN_PF_INTERFACES }).map(formatDiagnostic);
    expect(withHost).toEqual([expect.stringMatching(/^pf\.conf:1:\d+: could not parse host specification/)]);
  });
});
