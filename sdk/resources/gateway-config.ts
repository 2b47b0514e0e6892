import * as pulumi from "@pulumi/pulumi";
import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import type { HostState, ManagedFile } from "../state";
import { localRequire } from "../local-require";
import { pluginLocationProblem } from "./plugin-location";
import { holdShutdownIfUnregistered } from "./inline-shutdown";

/**
 * A {@link HostState} whose secret parts are Pulumi secrets of their own: the content of each file that
 * holds a secret, and the `secrets` list. What a Gateway passes, so that only those parts are encrypted.
 */
export type HostStateInput = Omit<HostState, "files" | "secrets"> & {
  files: Record<string, Omit<ManagedFile, "content"> & { content: pulumi.Input<string> }>;
  secrets?: pulumi.Input<string[]>;
};

/** How the provider reaches a gateway over SSH (ARCHITECTURE.md D6). */
export interface ConnectionArgs {
  /** Address or name the provider connects to (the management address; may differ from the IPsec egress address). */
  host: pulumi.Input<string>;
  /** SSH port. Default 22. */
  port?: pulumi.Input<number>;
  /**
   * Login user. Default `root`. Any other user runs every command as root through doas(1), as `doas -n /bin/sh -s`;
   * the gateway's /etc/doas.conf must let it without a password, e.g. `permit nopass admin as root cmd /bin/sh`.
   */
  user?: pulumi.Input<string>;
  /** OpenSSH private key (PEM/OpenSSH format). Always stored as a secret. */
  privateKey: pulumi.Input<string>;
  /**
   * The gateway's pinned host key, as in known_hosts without the host name: `ssh-ed25519 AAAA…`.
   * A different key is refused with both fingerprints in the error.
   */
  hostKey?: pulumi.Input<string>;
  /** Skip host-key pinning. Dangerous: anyone on the path can impersonate the gateway. Default false. */
  insecureSkipHostKeyCheck?: pulumi.Input<boolean>;
  /**
   * A bastion (jump host) the gateway is reached through, as `ssh -J` does: the provider logs in to the bastion,
   * whose sshd opens the TCP connection to `host`:`port` (a `direct-tcpip` channel: its sshd_config must allow
   * `AllowTcpForwarding`, OpenBSD's default). The session to the gateway runs end to end inside it, its host key
   * pinned as without a bastion. Default: none, the gateway is reached directly.
   */
  proxy?: pulumi.Input<ProxyConnectionArgs>;
}

/** A bastion (jump host) between the provider and a gateway (see {@link ConnectionArgs.proxy}). */
export interface ProxyConnectionArgs {
  /** The bastion's address or host name. */
  host: pulumi.Input<string>;
  /** The bastion's SSH port. Default 22. */
  port?: pulumi.Input<number>;
  /** The login user on the bastion (it runs nothing there: it only opens the connection). Default `root`. */
  user?: pulumi.Input<string>;
  /** OpenSSH private key for the bastion (PEM/OpenSSH format). Default: the gateway's `privateKey`. Always stored as a secret. */
  privateKey?: pulumi.Input<string>;
  /** The bastion's pinned host key, as in known_hosts without the host name: `ssh-ed25519 AAAA…`. */
  hostKey?: pulumi.Input<string>;
  /** Skip the bastion's host-key pinning. Dangerous: anyone on the path can impersonate it. Default false. */
  insecureSkipHostKeyCheck?: pulumi.Input<boolean>;
}

/** Arguments of {@link GatewayConfig}. */
export interface GatewayConfigArgs {
  /** SSH connection to the gateway. */
  connection: pulumi.Input<ConnectionArgs>;
  /**
   * The gateway's whole desired state (files, sysctls, services, interfaces, anchors, IPsec daemon, and the
   * secret values its files hold). Whatever is passed, the provider stores the content of each file marked
   * `secret` and the `secrets` list as Pulumi secrets.
   */
  state: pulumi.Input<HostState | HostStateInput>;
  /**
   * Seconds the on-host rollback timer waits for the commit to be confirmed over a fresh SSH
   * connection before restoring the previous files and reloading them. Default 60.
   */
  rollbackSeconds?: pulumi.Input<number>;
}

/**
 * One gateway's whole configuration, committed in one SSH connection per operation (ARCHITECTURE.md D2).
 * Components (`Gateway`, tunnels, pairs, anchors) build its `state`; users rarely create it directly.
 *
 * Import (resource option `import: ID`): the id is `[USER@]HOST[:PORT] HOSTKEY`, e.g.
 * `root@192.0.2.153:22 ssh-ed25519 AAAAC3…` (user default root, port default 22, an IPv6 host in
 * brackets, the host key as `ssh-keyscan -t ed25519 HOST` prints it without the host name; a gateway
 * behind a bastion: ` via [USER@]BASTION[:PORT] BASTIONKEY` after it), and the
 * private key (the bastion's too) comes from the provider configuration `openbsd:privateKey`
 * (`pulumi config set --secret openbsd:privateKey -- "$(cat KEY)"`): the engine sends no inputs with
 * an import. The import reads what the gateway has without changing it; the next `up` converges to
 * `state`, and destroy puts back what the gateway had when it was imported.
 */
export class GatewayConfig extends pulumi.CustomResource {
  /** The desired state as last applied. */
  declare readonly state: pulumi.Output<HostState>;
  /** What the last read observed, per item: `in sync`, `file drifted`, `running drifted`, `not persisted`. */
  declare readonly drift: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: GatewayConfigArgs, opts?: pulumi.CustomResourceOptions) {
    const c = pulumi.output(args.connection);
    // The private key is a secret whatever the caller passed; the rest is public and stays readable in diffs
    // and errors. A connection object holding a secret key is secret as a whole, and so is every property
    // lifted from it: the public ones are un-secreted here, or the provider would mask the host and the
    // user (`***:22: cannot connect as ***`) in every message, as it masks every secret it is sent.
    const pub = <K extends keyof ConnectionArgs>(k: K) => pulumi.unsecret(c.apply((x) => x[k]));
    const connection = {
      host: pub("host"), port: pub("port"), user: pub("user"), privateKey: pulumi.secret(c.privateKey),
      hostKey: pub("hostKey"), insecureSkipHostKeyCheck: pub("insecureSkipHostKeyCheck"),
      // a bastion the same way, its key alone secret; sent only when one may be there (a connection given whole as an
      // Output may hold one: then its fields are sent, empty when it has none), so no connection without one changes
      ...(mayHaveProxy(args.connection) ? { proxy: proxyFields(c) } : {}),
    };
    void warnIfPluginUnfound();
    super("openbsd:index:GatewayConfig", name, { connection, state: args.state, rollbackSeconds: args.rollbackSeconds, drift: undefined }, {
      ...opts,
      additionalSecretOutputs: ["connection"],
    });
    holdShutdownIfUnregistered(this);
  }
}

let pluginChecked = false;

/**
 * Once per program, before the first GatewayConfig reaches the engine: warns when the engine will not find the
 * provider plugin (plugin-location.ts). Returns the warning's delivery, which a Gateway holds its declaration group
 * open for: a warning still on its way when the engine fails on the plugin is lost with the program. Nothing is
 * said when nothing can be known (no project root: mocks).
 * @internal
 */
export function warnIfPluginUnfound(): Promise<void> | undefined {
  if (pluginChecked) return undefined;
  pluginChecked = true;
  try {
    const projectRoot = pulumi.getRootDirectory();
    if (!projectRoot) return undefined;
    const msg = pluginLocationProblem({
      projectRoot,
      packageRoot: path.dirname(localRequire.resolve("pulumi-openbsd/package.json")),
      env: process.env,
      home: homedir(),
      read: (f) => {
        try {
          return readFileSync(f, "utf8");
        } catch {
          return undefined;
        }
      },
      executable: (f) => {
        try {
          accessSync(f, constants.X_OK);
          return true;
        } catch {
          return false;
        }
      },
      list: (d) => {
        try {
          return readdirSync(d);
        } catch {
          return [];
        }
      },
    });
    return msg ? pulumi.log.warn(msg) : undefined;
  } catch {
    // nothing known, nothing said
    return undefined;
  }
}

/** Whether a connection as given may hold a bastion: one given as a plain object says so itself. */
function mayHaveProxy(c: pulumi.Input<ConnectionArgs>): boolean {
  return pulumi.Output.isInstance(c) || c instanceof Promise || (typeof c === "object" && c !== null && (c as ConnectionArgs).proxy !== undefined);
}

/** The bastion's fields of a connection, each public but its key (absent: all undefined, dropped by the provider). */
function proxyFields(c: pulumi.Output<pulumi.Unwrap<ConnectionArgs>>): Record<string, pulumi.Output<unknown>> {
  const p = c.apply((x) => x.proxy);
  const pub = <K extends keyof ProxyConnectionArgs>(k: K) => pulumi.unsecret(p.apply((x) => x?.[k]));
  return {
    host: pub("host"), port: pub("port"), user: pub("user"), privateKey: pulumi.secret(p.apply((x) => x?.privateKey)),
    hostKey: pub("hostKey"), insecureSkipHostKeyCheck: pub("insecureSkipHostKeyCheck"),
  };
}
