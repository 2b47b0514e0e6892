/**
 * ipsecctl's default-peer consistency warnings (parse.y set_rule_peers): every `ike` rule negotiated with
 * isakmpd's default peer (no `peer`, or `peer any`, and a destination that is a network) shares one
 * `[peer-default]` section, so ipsecctl compares each such rule with the first one and warns (yywarn: the file
 * still loads) where they would write it differently: local, phase 1 auth, PSK, phase 1 mode, srcid, dstid. The
 * later rule's values win in isakmpd's configuration, so the warning means a tunnel runs with another's settings.
 *
 * With -v ipsecctl prints each rule as it adds it, and printing a `dynamic` rule without srcid gives it the host
 * name as srcid: the first default-peer rule then differs from every later one without srcid (`default peer
 * srcid mismatch`, even between the two address families of one `from any to any` rule).
 *
 * Pure: the caller gives the parsed items and whether -v is on.
 */
import { expandPairs } from "./validate";
import { formatAddress, isHost } from "./address";
import type { ParsedItem } from "./parser-base";
import type { IkeRule } from "./types";

/** One yywarn: the item it belongs to, the line ipsecctl names and its text. */
export interface DefaultPeerWarning {
  item: number;
  line: number;
  text: string;
  /** The rule's address pair (expandPairs order) whose set_rule_peers() warned: -v prints each pair's rule after its warnings. */
  pair: number;
}

/** What set_rule_peers compares of a default-peer rule. */
interface PeerDefaults {
  local: string | undefined;
  auth: "psk" | "rsa";
  psk: string | undefined;
  aggressive: boolean;
  srcid: string | undefined;
  dstid: string | undefined;
}

function defaultsOf(r: IkeRule): PeerDefaults {
  const auth = r.auth?.kind ?? "rsa";
  return {
    local: r.local && r.local.kind !== "any" ? formatAddress(r.local) : undefined,
    auth,
    psk: r.auth?.kind === "psk" ? r.auth.psk : undefined,
    aggressive: r.main?.aggressive === true,
    srcid: r.srcid,
    dstid: r.dstid,
  };
}

const differ = (a: string | undefined, b: string | undefined) => a !== b;

/** The warnings of a parsed ipsec.conf, in file order. `verbose`: ipsecctl -v; `hostname`: the host's name. */
export function defaultPeerWarnings(items: readonly ParsedItem[], opts: { verbose: boolean; hostname: string }): DefaultPeerWarning[] {
  const out: DefaultPeerWarning[] = [];
  let first: PeerDefaults | undefined;
  items.forEach((item, i) => {
    if (item.kind !== "rule" || item.statement.type !== "ike" || item.problems.some((p) => p.effect === "hard" || p.effect === "fatal")) return;
    const r = item.statement;
    const line = item.line ?? 0;
    for (const [pair, [, dst]] of expandPairs(r.from.addresses, r.to.addresses).entries()) {
      // set_rule_peers: the peer is the one written (`any`: none), else the destination when it is one host
      const peerless = r.peer === undefined ? !isHost(dst) : r.peer.kind === "any";
      if (!peerless) continue;
      const d = defaultsOf(r);
      if (first === undefined) {
        first = d;
        // -v prints the rule now: ike_section_ids gives a dynamic rule without srcid the host name — once its phase 1
        // section was written (an illegal phase 1 transform stops ike_gen_config before it)
        const phase1Fails = item.problems.some((p) => p.effect === "generate" && p.field?.startsWith("main."));
        if (opts.verbose && r.mode === "dynamic" && first.srcid === undefined && !phase1Fails) first = { ...first, srcid: opts.hostname };
        continue;
      }
      const warn = (what: string) => out.push({ item: i, line, text: `default peer ${what} mismatch`, pair });
      if (differ(first.local, d.local)) warn("local");
      if (first.auth !== d.auth) warn("phase 1 auth");
      if (first.auth === "psk" && d.auth === "psk" && differ(first.psk, d.psk)) warn("psk");
      if (first.aggressive !== d.aggressive) warn("phase 1 mode");
      if (differ(first.srcid, d.srcid)) warn("srcid");
      if (differ(first.dstid, d.dstid)) warn("dstid");
    }
  });
  return out;
}
