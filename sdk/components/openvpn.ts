import * as pulumi from "@pulumi/pulumi";
import { OPENVPN_DEFAULTS, type OpenVpnEndSpec, type OpenVpnSpec } from "../planner/openvpn";
import { OPENVPN_AUTHS, OPENVPN_CIPHERS, openVpnStaticKey, type OpenVpnAuth, type OpenVpnCipher } from "../model/openvpn/index";
import { hostAddress, integer, network, oneOf, Refusal, udpPort, type TokenRule } from "../model/tokens/index";
import { argError, networksArg } from "./common";
import { take, labelOf, objectArg } from "./check";
import { Gateway } from "./gateway";
import { checkEnds } from "./ends";
import { groupOf, nodeOf } from "./nodes";

/** Default `lport`/`rport`: OpenVPN's registered port (the planner applies it: planner/openvpn.ts OPENVPN_DEFAULTS). */
export const OPENVPN_DEFAULT_PORT = OPENVPN_DEFAULTS.port;

/** One end of an {@link OpenVpnTunnel}. */
export interface OpenVpnEndArgs {
  gateway: Gateway;
  /** The tun(4) device OpenVPN opens, `dev tunN` (OpenBSD has /dev/tun0–3 by default). Default `tun0`. */
  interface?: string;
  /**
   * This end's inner IPv4 address on the tun interface (`ifconfig THIS OTHER`, point to point), e.g. `10.8.0.1`.
   * Both ends' addresses must differ and lie outside every network routed through the tunnel.
   */
  inner: pulumi.Input<string>;
  /** UDP port this end listens on (`lport`; the other end's `rport`), 1–65535. Default 1194. */
  port?: number;
  /** Address the other end sends to (its `remote`; also this end's `local`). Default: this gateway's external address. */
  endpoint?: pulumi.Input<string>;
  /**
   * IPv4 networks reached through this end: the other end's `route NETWORK NETMASK` lines (via this end's inner
   * address). Default: this gateway's internal IPv4 networks.
   */
  networks?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of {@link OpenVpnTunnel}. */
export interface OpenVpnTunnelArgs {
  left: OpenVpnEndArgs;
  right: OpenVpnEndArgs;
  /**
   * The shared static key (a secret): the whole file `openvpn --genkey secret FILE` writes (2048 bits, 16 lines of
   * hex). Installed 0600 as /etc/openvpn/NAME.key on both ends (`secret FILE 0` on the left, `1` on the right).
   * Default: derived from the left gateway's key seed (stable across runs, rotated with the seed).
   */
  key?: pulumi.Input<string>;
  /** `cipher`: AES-128-CBC, AES-192-CBC or AES-256-CBC (static-key mode has no AEAD). Default AES-256-CBC. */
  cipher?: OpenVpnCipher;
  /** `auth`: HMAC digest, SHA1, SHA256, SHA384 or SHA512. Default SHA256. */
  auth?: OpenVpnAuth;
  /** `keepalive INTERVAL TIMEOUT` in seconds (ping every INTERVAL, restart after TIMEOUT silent). Default 10 and 60. */
  keepalive?: { interval: number; timeout: number };
}

/**
 * The tunnel's name as it appears in /etc/openvpn/NAME.conf and NAME.key: letters, digits, `_.-`, starting
 * with a letter or digit, at most 64 characters.
 */
const configName: TokenRule = (v) => {
  if (typeof v === "string" && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v)) return v;
  throw new Refusal("names /etc/openvpn/NAME.conf: letters, digits and `_.-`, starting with a letter or digit, at most 64 characters", "name the resource e.g. `site1-site2`");
};

/**
 * An OpenVPN point-to-point tunnel between two gateways, static-key mode (planner/openvpn.ts explains why):
 * the `openvpn` package (pkg_add), /etc/openvpn/NAME.conf and the 0600 static key /etc/openvpn/NAME.key on each
 * end, rc.d `openvpn` enabled with `--config /etc/openvpn/NAME.conf` and started (restarted when either file
 * changes), a `route` per network behind the other end, and pf rules passing udp between the egress addresses.
 */
export class OpenVpnTunnel extends pulumi.ComponentResource {
  /** The config file on both ends, `/etc/openvpn/NAME.conf`. */
  readonly configFile: string;

  constructor(name: string, args: OpenVpnTunnelArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:OpenVpnTunnel", name, {}, opts);
    const label = labelOf("OpenVpnTunnel", name);
    take(label, "name", name, configName);
    checkArgs(label, args);
    const group = groupOf(label, [nodeOf(args.left.gateway), nodeOf(args.right.gateway)]);
    this.configFile = `/etc/openvpn/${name}.conf`;
    // without a key, the planner derives one from the left gateway's seed (planner/openvpn.ts openVpnKeyOf)
    const key: pulumi.Output<string | null> = args.key !== undefined
      ? pulumi.secret(args.key).apply((k) => take(label, "key", k, openVpnStaticKey, { secret: true }))
      : pulumi.output(null);
    // each argument is checked by itself when it resolves: at preview one not known yet holds back no check of the others
    const end = (e: OpenVpnEndArgs, side: string): pulumi.Output<OpenVpnEndSpec> =>
      pulumi
        .all([
          pulumi.output(e.inner).apply((v) => take(label, `${side}.inner`, v, hostAddress(4))),
          pulumi.output(e.endpoint ?? null).apply((v) => (v !== null ? take(label, `${side}.endpoint`, v, hostAddress(4)) : undefined)),
          networksArg(label, `${side}.networks`, e.networks, network(4)),
        ])
        .apply(([inner, endpoint, networks]): OpenVpnEndSpec => ({
          node: e.gateway.gatewayName,
          ...(e.interface !== undefined ? { interface: e.interface } : {}),
          inner,
          ...(e.port !== undefined ? { port: e.port } : {}),
          ...(endpoint !== undefined ? { endpoint } : {}),
          ...(networks !== undefined ? { networks } : {}),
        }));
    const spec: pulumi.Output<OpenVpnSpec> = pulumi.all([end(args.left, "left"), end(args.right, "right"), pulumi.unsecret(key)]).apply(([left, right, k]) => ({
      name, left, right, ...(k !== null ? { key: k } : {}),
      ...(args.cipher !== undefined ? { cipher: args.cipher } : {}),
      ...(args.auth !== undefined ? { auth: args.auth } : {}),
      ...(args.keepalive !== undefined ? { keepalive: { interval: args.keepalive.interval, timeout: args.keepalive.timeout } } : {}),
    }));
    group.add("openvpn", { label, spec }, args);
    this.registerOutputs({ configFile: this.configFile });
  }
}

/** The plain arguments of an OpenVpnTunnel, checked when it is declared. */
function checkArgs(label: string, args: OpenVpnTunnelArgs): void {
  checkEnds(label, args, ["left", "right"], "tun", "10.8.0.1", (e, side) => {
    if (e.port !== undefined) take(label, `${side}.port`, e.port, udpPort("lport", 1194));
  });
  if (args.cipher !== undefined) take(label, "cipher", args.cipher, oneOf(OPENVPN_CIPHERS));
  if (args.auth !== undefined) take(label, "auth", args.auth, oneOf(OPENVPN_AUTHS));
  objectArg(label, "keepalive", args.keepalive, "{ interval: 10, timeout: 60 }");
  if (args.keepalive !== undefined) {
    const i = take(label, "keepalive.interval", args.keepalive?.interval, integer("a keepalive interval in seconds", 1, 3600));
    const t = take(label, "keepalive.timeout", args.keepalive?.timeout, integer("a keepalive timeout in seconds", 2, 86400));
    if (t <= i) throw argError(label, "keepalive.timeout", String(t), `not longer than the interval (${i} s): the link would restart between two pings`, "give a timeout several intervals long, e.g. `{ interval: 10, timeout: 60 }`");
  }
}
