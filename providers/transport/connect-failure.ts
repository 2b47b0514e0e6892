/**
 * Why a TCP connection or an SSH handshake to a gateway failed, in words an admin acts on, after the system's own
 * message (kept: it names the errno and the address). Nothing ran on the gateway in any of these cases.
 */

/** What to check for each failure a connection meets before the login (Node's errno codes, ssh2's timeout). */
const HINTS: Record<string, (port: number) => string> = {
  ENOTFOUND: () => "the host name does not resolve: check its spelling, or give the gateway's address",
  EAI_AGAIN: () => "the resolver did not answer: check DNS, or give the gateway's address",
  ECONNREFUSED: (port) => `nothing listens on port ${port} there: is sshd running, and on this port (\`connection.port\`)?`,
  EHOSTUNREACH: () => "no route to the host: is it up, and is the management network reachable from here?",
  ENETUNREACH: () => "no route to that network from here: is the management network reachable from this machine?",
  ETIMEDOUT: () => "no answer: the host is down, or a firewall drops the port",
  ECONNRESET: () => "the connection was reset before the login: sshd refused it (MaxStartups, a packet filter, tcp wrappers?)",
};

/** `message` with what to check appended, when the failure is one of {@link HINTS} or ssh2's handshake timeout. */
export function connectFailure(e: Error & { code?: string }, port: number): string {
  const hint =
    e.code && HINTS[e.code]
      ? HINTS[e.code]!(port)
      : /Timed out while waiting for handshake/.test(e.message)
        ? `no SSH server answered on port ${port} in time: the host is down, a firewall drops the port, or something else listens there`
        : /Connection lost before handshake/.test(e.message)
          ? `the host closed the connection before SSH began: sshd turned it away (MaxStartups, PerSourcePenalties after failed logins), or port ${port} is not sshd's`
          : undefined;
  return hint ? `${e.message} (${hint})` : e.message;
}
