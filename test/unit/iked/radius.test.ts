/**
 * iked.conf's `radius …` lines (RADIUS servers for `eap radius`, accounting, attribute map, DAE): read, written back
 * and checked as iked does (recorded: test/fixtures/oracle/iked/radius-*). Lint used to call `radius` a syntax
 * error. Their secrets never show in a message.
 */
import { describe, expect, it } from "vitest";
import { lintFile } from "../../../sdk/lint";
import { formatDiagnostic, ModelError } from "../../../sdk/model/diagnostics";
import { parseIkedConf, renderIkedConf } from "../../../sdk/model/iked";

const TEXT = [
  'radius server 192.0.2.10 secret "s3cret-auth"',
  'radius accounting server 2001:db8::10 port 1813 secret "s3cret-acct"',
  "radius accounting max-tries 5",
  "radius max-failovers 1",
  "radius config inet6 name-server 0x137 0x1a",
  "radius config net 9",
  "radius dae listen on 0.0.0.0 port 3799",
  'radius dae client 192.0.2.11 secret "s3cret-dae"',
].join("\n") + "\n";

describe("iked radius lines", () => {
  it("are read as iked reads them, and written back to the same lines", () => {
    const r = parseIkedConf(TEXT);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.radius).toEqual([
      { kind: "server", address: "192.0.2.10", secret: "s3cret-auth" },
      { kind: "server", accounting: true, address: "2001:db8::10", port: 1813, secret: "s3cret-acct" },
      { kind: "max-tries", accounting: true, tries: 5 },
      { kind: "max-failovers", failovers: 1 },
      { kind: "config", af: "inet6", option: "name-server", vendor: 0x137, type: 26 },
      { kind: "config", option: "netmask", type: 9 },
      { kind: "dae-listen", address: "0.0.0.0", port: 3799 },
      { kind: "dae-client", address: "192.0.2.11", secret: "s3cret-dae" },
    ]);
    expect(parseIkedConf(renderIkedConf(r.value)).value).toEqual(r.value);
  });

  it("a server named by host name is refused in OpenBSD's words (getaddrinfo AI_NUMERICHOST), its secret not shown", () => {
    const ds = lintFile("iked.conf", 'radius server radius.example.com secret "s3cret-auth"\nradius max-tries 0 secret\n', { kind: "iked", mode: 0o600 }).map(formatDiagnostic);
    expect(ds[0]).toBe("iked.conf:1:15: could not parse the address: radius.example.com: name or service is not known: radius server: `radius.example.com` is not a numeric IPv4 or IPv6 address");
    expect(ds.join("\n")).not.toContain("s3cret-auth");
  });

  it("a typed radius line iked would refuse is refused before it is written, naming the field", () => {
    const bad = (radius: unknown) => {
      try {
        renderIkedConf({ macros: [], settings: [], users: [], policies: [], radius: [radius as never] });
      } catch (e) {
        return e instanceof ModelError ? `${e.field} = ${String(e.value)}: ${e.message}` : String(e);
      }
      return "written";
    };
    expect(bad({ kind: "server", address: "radius.example.com", secret: "k" })).toMatch(/^radius\[0\]\.address = radius\.example\.com: .*could not parse the address/);
    expect(bad({ kind: "server", address: "192.0.2.1", secret: 'k"\nikev2 x' })).toBe("radius[0].secret = (secret): radius[0].secret: must not contain a backslash, newline, NUL or other control or invisible character");
    expect(bad({ kind: "config", option: "protected-subnet", type: 8 })).toMatch(/^radius\[0\]\.option = protected-subnet: .*not a valid ikecfg option/);
    expect(bad({ kind: "max-tries", tries: 0 })).toMatch(/^radius\[0\]\.tries = 0: /);
  });
});
