import * as pulumi from "@pulumi/pulumi";
import type { PfRule } from "../model/pf/types";
import { groupOf, nodeOf, pfRules } from "./nodes";
import { Gateway } from "./gateway";
import { argError } from "./common";
import { take, labelOf, notANode } from "./check";
import { anchorName } from "../model/tokens/index";

/** Arguments of {@link PfAnchor}. */
export interface PfAnchorArgs {
  /** The gateway whose ruleset gets the anchor. */
  gateway: Gateway;
  /** Anchor name (`anchor "NAME"` in /etc/pf.conf, rules in /etc/pf.anchors/NAME). Default: the resource name. `vpn` is reserved for the generated tunnel rules. */
  name?: string;
  /**
   * The anchor's rules: typed pf rules, or pf.conf text parsed by the pf model (a syntax error fails at preview with
   * file:line:column). A rule naming an interface or group the Gateway declares (`egress`, `em1:network`, `nat-to
   * egress`) is checked with its declared addresses as `pfctl -nf` checks it on the host (e.g. `proto icmp` to a
   * dual-stack `egress` needs `inet`); other names are checked by pfctl at `up`.
   */
  rules: PfRule[] | string;
}

/**
 * A named pf anchor on a gateway: hooked into the main ruleset (`anchor "NAME"` + `load anchor "NAME" from
 * "/etc/pf.anchors/NAME"`, so it survives a reboot) and loaded atomically with `pfctl -a NAME -f FILE`.
 */
export class PfAnchor extends pulumi.ComponentResource {
  /** The anchor's name on the host. */
  readonly anchorName: string;

  constructor(name: string, args: PfAnchorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:PfAnchor", name, {}, opts);
    const label = labelOf("PfAnchor", name);
    if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ gateway, rules }`");
    if (!(args.gateway instanceof Gateway)) throw argError(label, "gateway", notANode(args.gateway), "not a Gateway", "pass a Gateway declared in this program");
    this.anchorName = take(label, args.name === undefined ? "name (default: the resource name)" : "name", args.name ?? name, anchorName);
    if (this.anchorName === "vpn") throw argError(label, args.name === undefined ? "name (default: the resource name)" : "name", "vpn", "`vpn` is the anchor the tunnels' rules are generated into", "choose another anchor name");
    const group = groupOf(label, [nodeOf(args.gateway)]);
    const rules = pfRules(label, "rules", args.rules);
    group.add("anchors", { label, spec: pulumi.output({ name: this.anchorName, gateway: args.gateway.gatewayName, rules, ...(typeof args.rules === "string" ? { text: true } : {}), ...(this.anchorName !== name ? { resource: name } : {}) }) }, args);
    this.registerOutputs({});
  }
}
