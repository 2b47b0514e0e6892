/**
 * openvpn(8) configuration files for a point-to-point tunnel with a static key (the mode of OpenVPN's own
 * "Static Key Mini-HOWTO": one config file per end, one shared 2048-bit key, `secret FILE DIRECTION`), as the
 * package reads them from /etc/openvpn (rc.d/openvpn: `--config FILE`):
 *
 *     dev tun0
 *     proto udp
 *     local 192.0.2.153
 *     lport 1194
 *     remote 192.0.123.85
 *     rport 1194
 *     ifconfig 10.8.0.1 10.8.0.2
 *     secret /etc/openvpn/site1-site2.key 0
 *     cipher AES-256-CBC
 *     auth SHA256
 *     keepalive 10 60
 *     route 192.168.15.0 255.255.255.0
 *
 * One directive per line, in this order. The static key file is `openvpn --genkey secret FILE`'s format
 * (a comment, `-----BEGIN OpenVPN Static key V1-----`, 16 lines of 32 hex digits, the END line).
 * Every token is checked when rendered (a value that cannot be written safely is a ModelError).
 */
import { ModelError } from "../diagnostics";
import { Refusal, aString, type TokenRule } from "../tokens/refusal";

/** Ciphers openvpn accepts in static-key mode (CBC: AEAD ciphers need TLS). Default AES-256-CBC. */
export const OPENVPN_CIPHERS = ["AES-128-CBC", "AES-192-CBC", "AES-256-CBC"] as const;
export type OpenVpnCipher = (typeof OPENVPN_CIPHERS)[number];
/** HMAC digests for `auth`. Default SHA256. */
export const OPENVPN_AUTHS = ["SHA1", "SHA256", "SHA384", "SHA512"] as const;
export type OpenVpnAuth = (typeof OPENVPN_AUTHS)[number];

/** One end's configuration. */
export interface OpenVpnConf {
  /** `dev tunN`. */
  dev: string;
  /** `local ADDR`: the address it binds and sends from. */
  local: string;
  /** `lport N`. */
  lport: number;
  /** `remote ADDR`. */
  remote: string;
  /** `rport N`. */
  rport: number;
  /** `ifconfig LOCAL REMOTE`: the tunnel's inner addresses (IPv4, point to point). */
  ifconfig: { local: string; remote: string };
  /** `secret FILE DIRECTION` (0 on one end, 1 on the other). */
  secret: { file: string; direction: 0 | 1 };
  cipher: OpenVpnCipher;
  auth: OpenVpnAuth;
  /** `keepalive INTERVAL TIMEOUT` seconds. */
  keepalive: { interval: number; timeout: number };
  /** `route NETWORK NETMASK` per network reached through the tunnel (the gateway is the remote inner address). */
  routes: { network: string; netmask: string }[];
}

const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PATH = /^\/[A-Za-z0-9._/-]+$/;

function need(ok: boolean, field: string, value: unknown, reason: string): void {
  if (!ok) throw new ModelError(field, value, reason);
}

/** Renders one end's config file. */
export function renderOpenVpnConf(c: OpenVpnConf): string {
  need(/^tun\d{1,3}$/.test(c.dev), "dev", c.dev, "not a tun interface (`tunN`)");
  for (const [f, v] of [["local", c.local], ["remote", c.remote], ["ifconfig.local", c.ifconfig.local], ["ifconfig.remote", c.ifconfig.remote]] as const) need(V4.test(v), f, v, "not an IPv4 address");
  for (const [f, v] of [["lport", c.lport], ["rport", c.rport]] as const) need(Number.isInteger(v) && v >= 1 && v <= 65535, f, v, "not a UDP port");
  need(PATH.test(c.secret.file) && !c.secret.file.includes(".."), "secret.file", c.secret.file, "not a file path");
  need((OPENVPN_CIPHERS as readonly string[]).includes(c.cipher), "cipher", c.cipher, `not one of ${OPENVPN_CIPHERS.join(", ")}`);
  need((OPENVPN_AUTHS as readonly string[]).includes(c.auth), "auth", c.auth, `not one of ${OPENVPN_AUTHS.join(", ")}`);
  for (const r of c.routes) need(V4.test(r.network) && V4.test(r.netmask), "routes", `${r.network} ${r.netmask}`, "not an IPv4 network and netmask");
  return [
    `dev ${c.dev}`,
    "proto udp",
    `local ${c.local}`,
    `lport ${c.lport}`,
    `remote ${c.remote}`,
    `rport ${c.rport}`,
    `ifconfig ${c.ifconfig.local} ${c.ifconfig.remote}`,
    `secret ${c.secret.file} ${c.secret.direction}`,
    `cipher ${c.cipher}`,
    `auth ${c.auth}`,
    `keepalive ${c.keepalive.interval} ${c.keepalive.timeout}`,
    ...c.routes.map((r) => `route ${r.network} ${r.netmask}`),
  ].join("\n") + "\n";
}

const BEGIN = "-----BEGIN OpenVPN Static key V1-----";
const END = "-----END OpenVPN Static key V1-----";

/** The static key file of 256 key bytes, as `openvpn --genkey secret` writes it. */
export function renderStaticKey(key: Buffer): string {
  if (key.length !== 256) throw new ModelError("key", "(secret)", `an OpenVPN static key is 256 bytes, got ${key.length}`);
  const hex = key.toString("hex");
  const lines = Array.from({ length: 16 }, (_, i) => hex.slice(i * 32, i * 32 + 32));
  return ["#", "# 2048 bit OpenVPN static key", "#", BEGIN, ...lines, END, ""].join("\n");
}

/**
 * An OpenVPN static key as a user gives it (the file `openvpn --genkey secret FILE` writes): `#` comment
 * lines, the BEGIN line, 16 lines of 32 hex digits (256 bytes), the END line. Returns the canonical file
 * (re-rendered from the bytes). The value is a secret: refusals never show it.
 */
export const openVpnStaticKey: TokenRule = (v) => {
  const s = aString(v, "an OpenVPN static key", "the output of `openvpn --genkey secret /dev/stdout`");
  const fix = "give the whole file `openvpn --genkey secret FILE` writes (BEGIN line, 16 lines of hex, END line)";
  const lines = s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  if (lines[0] !== BEGIN || lines[lines.length - 1] !== END) throw new Refusal("not an OpenVPN static key file (no `-----BEGIN OpenVPN Static key V1-----` … END lines)", fix);
  const hex = lines.slice(1, -1).join("");
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Refusal("the key lines hold characters other than hex digits", fix);
  if (hex.length !== 512) throw new Refusal(`holds ${hex.length / 2} key bytes; a static key has 256`, fix);
  return renderStaticKey(Buffer.from(hex, "hex"));
};
