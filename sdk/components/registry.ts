/**
 * Many contributions, one commit (ARCHITECTURE.md H1).
 *
 * Each Gateway has exactly one provider resource (GatewayConfig), but tunnels, pairs, anchors and gif
 * links attach to gateways after the gateways exist. Decision:
 * - Gateways and everything attached to them join a *declaration group*. The group's GatewayConfig
 *   inputs (`state`, `dependsOn`) are promises that resolve when the group is **sealed**.
 * - A group seals two macrotask turns (`setImmediate`) after its last contribution, i.e. once the
 *   program's synchronous declarations (and any `await` of already-settled promises) are done; a
 *   program that must await real work before declaring more can keep the group open with
 *   {@link hold}: the group seals only after the held promise settles.
 * - Sealing resolves every input of the group, runs the planner once for the whole group (so checks
 *   see both ends of each link) and hands each GatewayConfig its HostState.
 * - A contribution to a gateway whose group is sealed throws at once, naming the component, the gateway
 *   and what to move. Nothing is ever dropped silently.
 * - A Gateway created after a group sealed starts a new group, so several independent groups can exist
 *   in one program (and in one test process).
 */
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";
import { planAndRender } from "../planner/run";
import { markedBeyondType } from "../planner/secrets";
import { tunnelIdentities, type TunnelIdentities } from "../planner/identities";
import type { AnchorSpec, CarpPairSpec, GatewaySpec, LinkSpec, Topology, TunnelSpec } from "../planner/spec";
import type { WireGuardSpec } from "../planner/wireguard";
import type { SshTunnelSpec } from "../planner/ssh-tunnel";
import type { OpenVpnSpec } from "../planner/openvpn";
import type { TincSpec } from "../planner/tinc";
import type { HostState } from "../state";
import { PlanError } from "../planner/errors";
import { ModelError } from "../model/diagnostics";
import { onUserError, report, theRefused, UserError } from "./check";
import { markedSecrets } from "./marked-secrets";

/** A contribution: its label (`SiteToSiteTunnel "x"`) and its resolved spec. */
interface Entry<T> {
  label: string;
  spec: pulumi.Output<T>;
}

/**
 * The result of planning a group: HostState per gateway, the apply order and each tunnel's identities.
 * Plain data computed from un-secreted inputs: never registered as it is; it leaves the program only
 * through components/outputs.ts, which re-wraps every part that holds a secret.
 */
export interface GroupPlan {
  states: Record<string, HostState>;
  dependsOn: Record<string, string[]>;
  tunnels: Record<string, TunnelIdentities>;
  /** The values the user marked secret in the group's ordinary fields (planner/marked-forms.ts). */
  marked: string[];
}

let current: Group | undefined;
let holds = 0;

/** The open group, or a new one. */
export function openGroup(): Group {
  if (!current || current.sealed) current = new Group();
  return current;
}

/**
 * Keeps the current declaration group open until `p` settles: use it when a program must `await` real
 * work (a lookup, a file) between declaring gateways and attaching tunnels to them.
 * Returns `p` unchanged.
 */
export function hold<T>(p: Promise<T>): Promise<T> {
  holds++;
  const release = () => {
    holds--;
    current?.schedule();
  };
  p.then(release, release);
  return p;
}

/**
 * Marks a contribution's spec as awaited: the group reads it only when it seals (two macrotask turns
 * later), and a spec refused by its component's checks rejects before that. Node reports such a
 * rejection as unhandled, then prints `PromiseRejectionHandledWarning: Promise rejection was handled
 * asynchronously` for each one when the seal reads it — noise under the one clean error. A no-op handler
 * on each of the Output's promises (value, known, secret) marks them handled at once; the seal still sees
 * the rejection. Returns `spec`.
 */
function awaitedLater<T>(spec: pulumi.Output<T>): pulumi.Output<T> {
  const o = spec as unknown as { promise?: () => Promise<unknown>; isKnown?: Promise<unknown>; isSecret?: Promise<unknown> };
  for (const p of [typeof o.promise === "function" ? o.promise() : undefined, o.isKnown, o.isSecret]) if (p instanceof Promise) p.catch(() => undefined);
  return spec;
}

/** One declaration group. */
export class Group {
  sealed = false;
  readonly gateways = new Map<string, Entry<GatewaySpec>>();
  readonly tunnels: Entry<TunnelSpec>[] = [];
  readonly pairs: Entry<CarpPairSpec>[] = [];
  readonly anchors: Entry<AnchorSpec>[] = [];
  readonly links: Entry<LinkSpec>[] = [];
  readonly wireguard: Entry<WireGuardSpec>[] = [];
  readonly sshTunnels: Entry<SshTunnelSpec>[] = [];
  readonly openvpn: Entry<OpenVpnSpec>[] = [];
  readonly tinc: Entry<TincSpec>[] = [];
  /** What each contribution's arguments hold that the user marked secret (marked-secrets.ts). */
  private readonly marked: pulumi.Output<string[]>[] = [];
  private generation = 0;
  private resolveSeal!: () => void;
  /** Resolves when the group is sealed; {@link plan} is set then. */
  readonly sealedSignal: Promise<void>;
  /** The planned group (set at sealing). */
  plan?: pulumi.Output<GroupPlan>;
  /** Apply order between gateways, from graph-shaping plain values (CARP: master → [backup]). */
  readonly order = new Map<string, string[]>();
  /**
   * Key of the fingerprints in planner errors (`left.psk, right.psk = fp:… ≠ fp:…`): random per program
   * run and never stored, so a fingerprint in a log cannot be used to test PSK guesses offline. It only
   * has to make the two values of one message comparable. (The provider's diffs and logs use the
   * per-gateway secret key each GatewayConfig generates and keeps in its state: providers/secrets.ts.)
   */
  private readonly fpKey = randomBytes(16).toString("hex");
  /**
   * Whether a user error was reported while the group was open: then no gateway of the group gets a
   * state (nothing is committed from a program that is being refused), and nothing more is printed.
   */
  private refused = false;
  private readonly stopListening: () => void;

  constructor() {
    this.sealedSignal = new Promise((resolve) => (this.resolveSeal = resolve));
    this.stopListening = onUserError(() => (this.refused = true));
    this.schedule();
  }

  /** (Re)arms sealing: two macrotask turns after the last contribution, and only when nothing holds it open. */
  schedule(): void {
    if (this.sealed) return;
    const g = ++this.generation;
    setImmediate(() =>
      setImmediate(() => {
        if (g === this.generation && holds === 0 && !this.sealed) this.seal();
      }),
    );
  }

  /** `f` of the group's plan, once the group is sealed (the value a component derives from the planned group). */
  fromPlan<T>(f: (p: GroupPlan) => T): pulumi.Output<pulumi.Unwrap<T>> {
    // (an Output returned by `f` is lifted, as `apply` does)
    return pulumi.output(this.sealedSignal.then(() => 0)).apply(() => this.plan!.apply(f)) as pulumi.Output<pulumi.Unwrap<T>>;
  }

  /** Throws the "too late" error when the group is sealed. */
  assertOpen(label: string, gatewayLabels: string[]): void {
    if (!this.sealed) return;
    const gws = gatewayLabels.join(" and ");
    const many = gatewayLabels.length > 1;
    throw report(new UserError(
      `${label} attaches to ${gws} after ${many ? "their" : "its"} configuration was sealed ` +
        `(the program yielded to the event loop after declaring ${many ? "them" : "it"}, so ${many ? "their GatewayConfigs were" : "its GatewayConfig was"} already computed). ` +
        `Declare ${label} in the same synchronous part of the program as ${gws} (move it before the first \`await\` that follows ${many ? "them" : "it"}), ` +
        `or keep the declarations open across the await with \`openbsd.hold(promise)\`.`,
    ));
  }

  /**
   * A Gateway's contribution. `args` are its arguments as the user gave them: the values marked secret in them
   * (marked-secrets.ts; not `connection` and `rollbackSeconds`, which never reach a file) make the group's files
   * holding one secret, whatever field they were given in.
   */
  addGateway(name: string, spec: pulumi.Output<GatewaySpec>, args: object): void {
    if (this.gateways.has(name)) throw report(new UserError(`Gateway "${name}": two gateways have this name; give each Gateway a unique name`));
    this.marked.push(markedSecrets(args, ["connection", "rollbackSeconds"]));
    this.gateways.set(name, { label: `Gateway "${name}"`, spec: awaitedLater(spec) });
    this.schedule();
  }

  /** A contribution attached to gateways; `args` as for {@link addGateway}. */
  add<K extends "tunnels" | "pairs" | "anchors" | "links" | "wireguard" | "sshTunnels" | "openvpn" | "tinc">(kind: K, entry: this[K][number], args: object): void {
    this.marked.push(markedSecrets(args));
    awaitedLater(entry.spec as pulumi.Output<unknown>);
    (this[kind] as Entry<unknown>[]).push(entry as Entry<unknown>);
    this.schedule();
  }

  private seal(): void {
    this.sealed = true;
    this.stopListening();
    const all = <T>(es: Entry<T>[]) => pulumi.all(es.map((e) => e.spec));
    const topo = pulumi
      .all([
        all([...this.gateways.values()]), all(this.tunnels), all(this.pairs), all(this.anchors), all(this.links),
        pulumi.all([all(this.wireguard), all(this.sshTunnels), all(this.openvpn), all(this.tinc)]),
        pulumi.all(this.marked),
      ])
      .apply(([gateways, tunnels, pairs, anchors, links, [wireguard, sshTunnels, openvpn, tinc], marked]): Topology => ({
        gateways, tunnels, pairs, anchors, links,
        ...(wireguard.length ? { wireguard } : {}), ...(sshTunnels.length ? { sshTunnels } : {}), ...(openvpn.length ? { openvpn } : {}), ...(tinc.length ? { tinc } : {}),
        ...(marked.flat().length ? { marked: [...new Set(marked.flat())] } : {}),
      }));
    // The planner reads the secrets (to render them and compare fingerprints), so it runs on un-secreted
    // inputs; its plain result is internal: components/outputs.ts re-wraps every part holding a secret
    // (per file, `secret: true` from planner/secrets.ts) before anything reaches Pulumi.
    const fpKey = this.fpKey;
    this.plan = pulumi.unsecret(topo).apply((t) => {
      if (this.refused) throw theRefused();
      try {
        return { ...planAndRender(t, { fingerprintKey: fpKey }), tunnels: tunnelIdentities(t), marked: markedBeyondType(t) };
      } catch (e) {
        // one error for the whole group, reported once however many gateways' outputs it rejects
        if (e instanceof PlanError) throw report(new UserError(e.message));
        // a value the arguments' checks let through but a renderer refuses: still one clean error
        if (e instanceof ModelError) throw report(new UserError(`a value cannot be written safely: ${e.message}`));
        throw e;
      }
    });
    this.resolveSeal();
  }
}
