/**
 * What a name resolves to on every OpenBSD host without DNS: the /etc/hosts OpenBSD installs holds `localhost` as
 * 127.0.0.1, then ::1 (getaddrinfo gives them in that order; names compare without case). pfctl's and ipsecctl's
 * host() ask DNS (host_dns) for a name that is no address and no interface; any other name is the host's own data.
 */
const OPENBSD_HOSTS: Readonly<Record<string, readonly string[]>> = { localhost: ["127.0.0.1", "::1"] };

/** The addresses of `name` in OpenBSD's own /etc/hosts, in file order; undefined for any other name. */
export function hostsFileAddresses(name: string): readonly string[] | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(OPENBSD_HOSTS, key) ? OPENBSD_HOSTS[key] : undefined;
}
