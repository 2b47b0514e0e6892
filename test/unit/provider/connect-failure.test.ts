import { describe, expect, it } from "vitest";
import { connectFailure } from "../../../providers/transport/connect-failure";

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe("a connection that fails before the login says what to check after the system's own words", () => {
  it("names the cause for the usual errno codes and ssh2's handshake timeout", () => {
    expect(connectFailure(err("getaddrinfo ENOTFOUND gw1.exmaple.org", "ENOTFOUND"), 22)).toBe("getaddrinfo ENOTFOUND gw1.exmaple.org (the host name does not resolve: check its spelling, or give the gateway's address)");
    expect(connectFailure(err("connect ECONNREFUSED 192.0.2.153:2222", "ECONNREFUSED"), 2222)).toBe("connect ECONNREFUSED 192.0.2.153:2222 (nothing listens on port 2222 there: is sshd running, and on this port (`connection.port`)?)");
    expect(connectFailure(err("Connection lost before handshake"), 2222)).toBe("Connection lost before handshake (the host closed the connection before SSH began: sshd turned it away (MaxStartups, PerSourcePenalties after failed logins), or port 2222 is not sshd's)");
    expect(connectFailure(err("Timed out while waiting for handshake"), 22)).toBe("Timed out while waiting for handshake (no SSH server answered on port 22 in time: the host is down, a firewall drops the port, or something else listens there)");
  });
  it("leaves any other message as it is", () => {
    expect(connectFailure(err("something new", "EWHATEVER"), 22)).toBe("something new");
  });
});
