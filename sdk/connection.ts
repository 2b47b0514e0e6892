/**
 * The SSH connection to a gateway and its defaults, in one place: the Gateway component fills them in
 * (so the provider never sees an absent field), and the provider's transport and diff read the same
 * values for connections stored before the defaults were filled.
 */

/** sshd's port when none is given. */
export const SSH_PORT = 22;
/** The login user when none is given; other users run the scripts through doas(1). */
export const SSH_USER = "root";

/** A connection as the user may give it (and as the provider's transport takes it). */
export interface ConnectionInput {
  /** The management address or host name. */
  host: string;
  /** Default 22. */
  port?: number;
  /** Default `root`; other users go through doas(1). */
  user?: string;
  /** The SSH private key (a secret). */
  privateKey: string;
  /** `ssh-ed25519 AAAA…`; required unless insecureSkipHostKeyCheck. */
  hostKey?: string;
  /** Skip the host key check (loud; tests only). */
  insecureSkipHostKeyCheck?: boolean;
}

/** A connection with every default filled in. */
export interface Connection {
  host: string;
  port: number;
  user: string;
  privateKey: string;
  hostKey?: string;
  insecureSkipHostKeyCheck: boolean;
}

/** Fills in the defaults: port 22, user root, host key checked. */
export function withConnectionDefaults(c: ConnectionInput): Connection {
  return {
    host: c.host, port: c.port ?? SSH_PORT, user: c.user ?? SSH_USER, privateKey: c.privateKey,
    ...(c.hostKey !== undefined ? { hostKey: c.hostKey } : {}),
    insecureSkipHostKeyCheck: c.insecureSkipHostKeyCheck ?? false,
  };
}
