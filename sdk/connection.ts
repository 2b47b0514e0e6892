/**
 * The SSH connection to a gateway and its defaults, in one place: the Gateway component fills them in
 * (so the provider never sees an absent field), and the provider's transport and diff read the same
 * values for connections stored before the defaults were filled.
 */
import { isIPv6 } from "node:net";
import { hostKeyMistake } from "./model/tokens/ssh";

/** sshd's port when none is given. */
export const SSH_PORT = 22;
/** The login user when none is given; other users run the scripts through doas(1). */
export const SSH_USER = "root";

/**
 * What is wrong with `host` as a connection's host, or undefined: a host name or address of letters, digits and
 * `.:_-`, where `:` belongs to IPv6 addresses only. `192.0.2.153:2222` or `gw1.example.org:22` (a host and a port run
 * together, as ssh's `host:port` habit writes them) would otherwise reach the resolver as a name and fail at apply.
 */
export function hostProblem(host: string): { reason: string; fix: string } | undefined {
  const v6 = /^\[([0-9A-Fa-f:.]+)\]$/.exec(host);
  if (v6 && isIPv6(v6[1]!)) return { reason: "an IPv6 address in brackets (as a URL writes it)", fix: `give the address alone: \`${v6[1]}\`` };
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) return { reason: "not a host name or address", fix: "give e.g. `192.0.2.153` or `gw1.example.org`" };
  if (!host.includes(":")) return nameProblem(host);
  if (isIPv6(host)) return undefined;
  const m = /^([^:]+):(\d+)$/.exec(host);
  return m
    ? { reason: "a host and a port in one (`HOST:PORT`)", fix: `give the host alone and the port apart: \`host: "${m[1]}", port: ${Number(m[2])}\`` }
    : { reason: "not a host name or address (only an IPv6 address holds `:`)", fix: "give e.g. `192.0.2.153`, `2001:db8::153` or `gw1.example.org`" };
}

/**
 * A host name or IPv4 address that the resolver would take for something else, or never find: a name of digits
 * and dots is an IPv4 address only as four numbers 0–255 (glibc and OpenBSD's libc read `1.2.3` as 1.2.0.3 and
 * `0x7f.1` as 127.0.0.1; `192.0.2.256` goes to DNS), and a label never starts or ends with `-`, nor is empty.
 */
function nameProblem(host: string): { reason: string; fix: string } | undefined {
  const labels = host.replace(/\.$/, "").split(".");
  if (labels.every((l) => /^(\d+|0[xX][0-9A-Fa-f]*)$/.test(l))) {
    if (labels.length === 4 && labels.every((l) => /^(0|[1-9]\d{0,2})$/.test(l) && Number(l) <= 255)) return undefined;
    return { reason: "not an IPv4 address: four numbers 0–255, in decimal, without leading zeros", fix: "give e.g. `192.0.2.153`" };
  }
  if (labels.some((l) => l === "" || l.startsWith("-") || l.endsWith("-"))) return { reason: "not a host name: a label is empty, or starts or ends with `-`", fix: "give e.g. `gw1.example.org` or `192.0.2.153`" };
  return undefined;
}

/** A connection as the user may give it (and as the provider's transport takes it). */
export interface ConnectionInput {
  /** The management address or host name. */
  host: string;
  /** Default 22. */
  port?: number;
  /**
   * The login user. Default `root`. Any other user runs every command as root through doas(1), as
   * `doas -n /bin/sh -s` (no password: there is no terminal); the gateway's /etc/doas.conf must let it, e.g.
   * `permit nopass admin as root cmd /bin/sh`.
   */
  user?: string;
  /** The SSH private key (a secret). */
  privateKey: string;
  /** `ssh-ed25519 AAAA…`; required unless insecureSkipHostKeyCheck. */
  hostKey?: string;
  /** Skip the host key check (loud; tests only). */
  insecureSkipHostKeyCheck?: boolean;
  /** A bastion the gateway is reached through (`ssh -J`); none by default. */
  proxy?: ProxyInput;
}

/**
 * A bastion (jump host): the provider logs in there and has its sshd open the TCP connection to the gateway
 * (`ssh -J`, a `direct-tcpip` channel: the bastion's sshd must allow it, `AllowTcpForwarding`, OpenBSD's default
 * yes). The SSH session to the gateway runs end to end through that channel: the bastion sees no key and no command.
 */
export interface ProxyInput {
  /** The bastion's address or host name. */
  host: string;
  /** Default 22. */
  port?: number;
  /** The login user on the bastion. Default `root`. */
  user?: string;
  /** The SSH private key for the bastion (a secret). Default: the gateway's `privateKey`. */
  privateKey?: string;
  /** The bastion's pinned host key, `ssh-ed25519 AAAA…`; required unless insecureSkipHostKeyCheck. */
  hostKey?: string;
  /** Skip the bastion's host key check (loud; tests only). */
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
  proxy?: Proxy;
}

/** A bastion with its defaults filled in (its key, when not given, is the gateway's). */
export interface Proxy {
  host: string;
  port: number;
  user: string;
  privateKey?: string;
  hostKey?: string;
  insecureSkipHostKeyCheck: boolean;
}

/** Fills in the defaults: port 22, user root, host key checked; the same for a bastion. */
export function withConnectionDefaults(c: ConnectionInput): Connection {
  const p = c.proxy;
  return {
    host: c.host, port: c.port ?? SSH_PORT, user: c.user ?? SSH_USER, privateKey: c.privateKey,
    ...(c.hostKey !== undefined ? { hostKey: c.hostKey } : {}),
    insecureSkipHostKeyCheck: c.insecureSkipHostKeyCheck ?? false,
    ...(p
      ? {
          proxy: {
            host: p.host, port: p.port ?? SSH_PORT, user: p.user ?? SSH_USER,
            ...(p.privateKey !== undefined ? { privateKey: p.privateKey } : {}),
            ...(p.hostKey !== undefined ? { hostKey: p.hostKey } : {}),
            insecureSkipHostKeyCheck: p.insecureSkipHostKeyCheck ?? false,
          },
        }
      : {}),
  };
}

/** The connection to a gateway's bastion, as a connection of its own (its key defaults to the gateway's). */
export function proxyTarget(c: ConnectionInput): ConnectionInput | undefined {
  const p = c.proxy;
  if (!p) return undefined;
  return {
    host: p.host, privateKey: p.privateKey ?? c.privateKey,
    ...(p.port !== undefined ? { port: p.port } : {}), ...(p.user !== undefined ? { user: p.user } : {}),
    ...(p.hostKey !== undefined ? { hostKey: p.hostKey } : {}), ...(p.insecureSkipHostKeyCheck !== undefined ? { insecureSkipHostKeyCheck: p.insecureSkipHostKeyCheck } : {}),
  };
}

/** A parsed `TYPE BASE64` public key. */
export interface PinnedKey {
  /** Key type, e.g. `ssh-ed25519`. */
  type: string;
  /** The wire-format key blob. */
  blob: Buffer;
}

/**
 * Parses a pinned host key as known_hosts holds it without the host name (`ssh-ed25519 AAAA… [comment]`);
 * returns an error text (`hostKey: …`) when malformed. The one rule of the Gateway component's check at
 * preview and of the provider's transport.
 */
export function parseHostKey(text: string): PinnedKey | string {
  const mistake = hostKeyMistake(text);
  if (mistake) return `hostKey: ${mistake.reason}; ${mistake.fix}`;
  const parts = text.trim().split(/\s+/);
  const [type, b64] = parts;
  if (type && b64 && /^sk-\S+$/.test(type)) {
    return "hostKey: a security-key (FIDO) key (`sk-…`) is a user's key, never a host key; a host key is `ssh-ed25519`, `ecdsa-sha2-nistp256` (384, 521) or `ssh-rsa`";
  }
  if (!type || !b64 || !/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521))$/.test(type)) {
    return `hostKey: \`${text.slice(0, 40)}\` is not an OpenSSH public key; give it as in known_hosts without the host name, e.g. \`ssh-ed25519 AAAAC3Nz…\``;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return `hostKey: the key data of \`${type}\` is not base64`;
  const blob = Buffer.from(b64, "base64");
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : -1;
  if (len < 0 || blob.subarray(4, 4 + len).toString("latin1") !== type) {
    return `hostKey: the key data does not hold a \`${type}\` key`;
  }
  return { type, blob };
}
