/**
 * The pf(4) rule language (pf.conf(5)) as typed values: the subset a VPN gateway's main ruleset
 * hooks and anchors use. One type serves two levels:
 *
 * - a *statement* as written in a file: every list (`on { em0 em1 }`, `proto { esp ah }`,
 *   `from { a b }`, `port { 500 4500 }`) is an array;
 * - a *canonical rule* as pfctl loads and prints it (`pfctl -sr`, `pfctl -nv`): every array has at
 *   most one element, interface names are replaced by their addresses, the address family is
 *   filled in, pass rules carry their default `flags S/SA`. {@link expandRules} turns statements into
 *   canonical rules.
 */

/** What the rule does: `pass`, `block` or `match` (pf.conf ACTION). */
export type PfAction = "pass" | "block" | "match";

/**
 * How a `block` rule blocks: `drop` silently (pf's default unless `set block-policy return`),
 * `return` (TCP RST / ICMP unreachable), `return-rst` (TCP RST only), `return-icmp` (ICMP only).
 */
export type PfBlockPolicy = "drop" | "return" | "return-rst" | "return-icmp";

/** Packet direction; absent means both (`in` and `out`). */
export type PfDirection = "in" | "out";

/** Address family: `inet` (IPv4) or `inet6` (IPv6); absent means both. */
export type PfAddressFamily = "inet" | "inet6";

/**
 * One `on …` item: an interface, an interface group or `any` ({@link PfIfName}), or a routing domain
 * ({@link PfIfRdomain}).
 */
export type PfIfSpec = PfIfName | PfIfRdomain;

/** `on IF`: an interface (`em0`), an interface group (`egress`, `carp`, `enc`) or `any`; `not: true` is `on ! IF`. */
export interface PfIfName {
  /** Interface or interface-group name. */
  name: string;
  /** `on ! IF`: every interface except this one. Default false. */
  not?: boolean;
}

/**
 * `on rdomain N` (pf.conf(5)): packets in routing domain N (rdomain(4)), whatever their interface; `not: true` is
 * `on ! rdomain N`, every other routing domain. pf keeps no interface name for such a rule.
 */
export interface PfIfRdomain {
  /** The routing domain, 0-255 (RT_TABLEID_MAX). */
  rdomain: number;
  /** `on ! rdomain N`: packets of every other routing domain. Default false. */
  not?: boolean;
  /**
   * A loaded rule's interface besides its routing domain: the one a scoped address of it bound it to (expand_rule's
   * ifa_indextoname; pfctl prints `on lo0 on rdomain 1`). Never written in a file. Default: none.
   */
  interface?: string;
}

/** Whether an `on` item is a routing domain (`on rdomain N`) rather than an interface name. */
export function isRdomain(i: PfIfSpec): i is PfIfRdomain {
  return (i as Partial<PfIfRdomain>).rdomain !== undefined;
}

/** Modifier of an interface address: `em0:network`, `em0:broadcast`, `em0:peer`, `em0:0` (no aliases). */
export type PfIfModifier = "network" | "broadcast" | "peer" | "0" | "network:0" | "broadcast:0" | "peer:0";

/**
 * One address of a `from`/`to` (or table) list.
 * - `address`: a literal address or network, canonical (`192.0.2.1`, `10.0.0.0/24`, `2001:db8::/64`);
 * - `interface`: an interface or group name (or `self`) written without parentheses; pfctl replaces it
 *   by the interface's addresses when the rules are loaded (see {@link PfInterface});
 * - `dynamic`: `(em1)`, re-evaluated by the kernel when the interface's addresses change;
 * - `table`: `<name>`;
 * - `no-route`, `urpf-failed`: pf's special addresses.
 *
 * `weight` (addresses and interface names, in a table's entries or a translation pool only): `ADDR weight N`, 1-65535,
 * how often round-robin and least-states pick the address relative to the others (pfctl stores it in the table
 * entry, and prints it nowhere). Default: none.
 */
export type PfHost =
  | {
      kind: "address";
      address: string;
      not?: boolean;
      weight?: number;
      /**
       * The scope of an IPv6 literal in `from`/`to` (`fe80::1%em0`: `em0`; or an interface index, `%1`): pfctl binds the
       * rule to that interface (expand_rule: the host's ifindex becomes the rule's `on`, and a rule `on` another
       * interface drops that combination). Printed without it. Default: none.
       */
      scope?: string;
    }
  /**
   * An address range `FROM - TO` (parse.y `host: STRING '-' STRING`: two single addresses of one family, no mask;
   * printed as written, canonical; not in tables or redirection lists).
   */
  | { kind: "range"; from: string; to: string; not?: boolean }
  | {
      kind: "interface";
      name: string;
      modifier?: PfIfModifier;
      not?: boolean;
      weight?: number;
      /** A prefix length written after the name (`em0/24`): set on each of the interface's addresses (host_if's set_ipmask); default: none. */
      mask?: number;
    }
  | {
      kind: "dynamic";
      name: string;
      modifier?: PfIfModifier;
      not?: boolean;
      /** A prefix length after the parentheses (`(em1)/24`, 0–128; parse.y `dynaddr '/' NUMBER`); default: none. */
      mask?: number;
    }
  | { kind: "table"; name: string; not?: boolean }
  /**
   * `route "LABEL"`: the addresses whose route carries the route label LABEL (route(8) `-label`, e.g. set by bgpd),
   * at most 31 bytes; no address family of its own. Not in tables.
   */
  | { kind: "route"; label: string; not?: boolean }
  | { kind: "no-route"; not?: boolean }
  | { kind: "urpf-failed"; not?: boolean };

/**
 * Port comparison. `=`/`!=`/`<`/`<=`/`>`/`>=` use `port`; the ranges use `port` and `to`:
 * `:` inclusive range (`500:501`), `><` strictly between, `<>` outside.
 */
export type PfPortOp = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":" | "><" | "<>";

/** One port item, e.g. `{ op: "=", port: 500 }` (printed `port = 500`). Ports are 0–65535. */
export interface PfPort {
  op: PfPortOp;
  /** The port, or the first port of a range. */
  port: number;
  /** The second port of a range operator (`:`, `><`, `<>`); absent otherwise. */
  to?: number;
}

/** One side of a rule (`from …` or `to …`). */
export interface PfEndpoint {
  /** Addresses; empty means `any`. */
  hosts: PfHost[];
  /** Port items; empty means any port. Only meaningful with `proto tcp`/`udp`. */
  ports: PfPort[];
}

/** `keep state (…)` options. All default to off/absent. */
export interface PfStateOptions {
  /** `max N`: at most N states for this rule. */
  max?: number;
  /** `no-sync`: do not synchronise these states over pfsync(4) (carp, pfsync rules). */
  noSync?: boolean;
  /** `if-bound`: states are bound to the interface they were created on (needed on enc0). */
  ifBound?: boolean;
  /** `floating`: states match on any interface (pf's default state policy). */
  floating?: boolean;
  /** `sloppy`: sloppy TCP state tracking. */
  sloppy?: boolean;
  /** `pflow`: export states to pflow(4). */
  pflow?: boolean;
  /** `source-track rule|global`: track states per source address, per rule or over all rules (`source-track` alone: `rule` with a max-src-nodes, max-src-conn or max-src-conn-rate limit, `global` without). */
  sourceTrack?: "rule" | "global";
  /** `max-src-states N`: at most N states per source address. */
  maxSrcStates?: number;
  /** `max-src-conn N`: at most N established TCP connections per source address. */
  maxSrcConn?: number;
  /** `max-src-conn-rate N/S`: at most N new connections per S seconds per source address. */
  maxSrcConnRate?: { limit: number; seconds: number };
  /** `max-src-nodes N`: at most N source addresses tracked. */
  maxSrcNodes?: number;
  /** `overload <TABLE> [flush [global]]`: add offending sources to TABLE (and kill their states). */
  overload?: { table: string; flush?: "rule" | "global" };
  /** Per-rule timeouts (`tcp.established 600`, …), in pfctl's timeout order; see PF_TIMEOUT_NAMES. */
  timeouts?: { name: string; seconds: number }[];
}

/**
 * One `user`/`group` item: `ID`, `OP ID` or `ID >< ID` / `ID <> ID`. `id` is numeric once resolved (pfctl
 * looks names up in the host's passwd/group files), a name when the host's files were not available,
 * or `unknown` (sockets without an owner; only with `=`/`!=`).
 */
export interface PfUgid {
  op: PfPortOp;
  id: number | string;
  /** Second id of a range operator. */
  to?: number | string;
}

/** `icmp-type T [code C]` (IPv4) or `icmp6-type T [code C]` (IPv6): numeric type and code. */
export interface PfIcmpType {
  /** ICMP (or ICMPv6 when `v6`) type number, e.g. 8 for echoreq. */
  type: number;
  /** Code number within the type; absent = any code. */
  code?: number;
  /** `icmp6-type`. Default false (`icmp-type`). */
  v6?: boolean;
}

/** `log (all, matches, user, to pflogN)` options; plain `log` has none. */
export interface PfLogOptions {
  /** `all`: log every packet of the state, not only the first. */
  all?: boolean;
  /** `matches`: log every later matching rule too. */
  matches?: boolean;
  /** `user`: log the socket's user/pid. */
  user?: boolean;
  /** `to pflogN`: the pflog interface number, 0-255 (0 = pflog0, the default: not printed, and not kept when parsed). */
  to?: number;
}

/** `scrub (…)` options of a match/pass rule (packet normalisation). */
export interface PfScrub {
  /** `no-df`: clear the don't-fragment bit. */
  noDf?: boolean;
  /** `random-id`: randomise the IPv4 identification field. */
  randomId?: boolean;
  /** `min-ttl N`. */
  minTtl?: number;
  /** `max-mss N`: clamp the TCP MSS. */
  maxMss?: number;
  /** `reassemble tcp`: TCP stream normalisation. */
  reassembleTcp?: boolean;
}

/**
 * State tracking: `keep` (pf's default for pass rules), `no` (`no state`), `modulate`, `synproxy`.
 * Absent means the action's default (keep for pass, none for block and match).
 */
export type PfStateMode = "keep" | "no" | "modulate" | "synproxy";

/** Fields shared by filter rules and anchor calls (the packet selector). */
export interface PfSelector {
  /** `in`/`out`; absent = both. */
  direction?: PfDirection;
  /** `quick`: the first matching quick rule wins. Default false. */
  quick?: boolean;
  /** `on IF`/`on { … }`; empty = every interface. */
  on: PfIfSpec[];
  /** `inet`/`inet6`; absent = both (canonical rules get it from their addresses). */
  af?: PfAddressFamily;
  /** Protocols by /etc/protocols name (`esp`, `udp`, `ipencap`, `carp`, `pfsync`) or decimal number; empty = any. */
  protos: string[];
  /** `from …`; empty hosts and ports = `any`. */
  from: PfEndpoint;
  /** `to …`. */
  to: PfEndpoint;
  /** `tag NAME`: tag matching packets (e.g. set by ipsec.conf's `tag`). */
  tag?: string;
  /** `[!] tagged NAME`: only packets carrying this tag. */
  tagged?: { name: string; not?: boolean };
}

/**
 * What a pass/block/match rule and an anchor rule both match on and set (parse.y filter_opts as filteropts_to_rule
 * keeps them for either, and the user, group and icmp-type lists expand_rule expands for either). An anchor rule's
 * options narrow the packets it hands to the anchor's rules, and set what its `set (…)` sets on them.
 */
export interface PfRuleOptions {
  /** `icmp-type`/`icmp6-type` items (a statement may list several; a loaded rule has at most one). */
  icmpTypes?: PfIcmpType[];
  /** `scrub (…)`. */
  scrub?: PfScrub;
  /** `[!] received-on IF`: only packets that came in on IF. */
  receivedOn?: { name: string; not?: boolean };
  /** `user …` items: the socket's owner (TCP/UDP, local sockets only); a loaded rule has at most one. */
  users?: PfUgid[];
  /** `group …` items, as `users`. */
  groups?: PfUgid[];
  /** `prio N`: only packets of priority N (0-7). */
  prio?: number;
  /**
   * `tos N`: only packets whose IPv4 TOS byte (IPv6 traffic class) is N, 1-255; pf.conf also takes the map_tos()
   * words (`lowdelay`, `throughput`, `reliability`, DiffServ names such as `ef`, `af11`, `cs1`). pfctl prints it as
   * `tos 0x10`. Default: no TOS check.
   */
  tos?: number;
  /** `set prio N` / `set prio (N, M)`: priority of matching packets (M for TCP ACKs and lowdelay ToS), 0-7. */
  setPrio?: [number, number];
  /**
   * `set queue NAME` / `set queue (NAME, ACKNAME)`: the queue (a leaf of a `queue` tree defined before the
   * rule) packets are assigned to; `ack` takes TCP ACKs and lowdelay-ToS packets. Default: the tree's default queue.
   */
  queue?: { name: string; ack?: string };
  /** `set tos VALUE`: rewrite the IPv4 ToS / IPv6 traffic class (0-255; words such as lowdelay, ef, af21). */
  setTos?: number;
  /** `max-pkt-rate N/S`: the rule matches at most N packets per S seconds. */
  maxPktRate?: { limit: number; seconds: number };
  /** `probability P%`, as pfctl stores it: floor(P * 0xffffffff + 0.5), at least 1. */
  probability?: number;
  /** `from … os "NAME"`: passive OS fingerprint of the source (TCP only). */
  os?: string;
  /**
   * `flags F/M` (e.g. `S/SA`) or `any`; TCP only. Canonical pass rules carry pf's default `S/SA`; an anchor rule has
   * no default (absent: any flags).
   */
  flags?: string;
  /**
   * `label "TEXT"`: the name pfctl counts the rule's packets under (`pfctl -sl`), at most 63 bytes once `$if`,
   * `$srcaddr`, `$dstaddr`, `$srcport`, `$dstport`, `$proto` and `$nr` are expanded for each rule the statement
   * makes. Absent = none.
   */
  label?: string;
  /** `fragment`: match fragments too. */
  fragment?: boolean;
  /** `allow-opts`: pass packets with IP options. */
  allowOpts?: boolean;
  /** `rtable N`: look up matching packets' routes in routing table N (0-255; the table must exist). Default: the interface's. */
  rtable?: number;
  /** `set delay N`: delay matching packets by N milliseconds, 0-65535. Default: none. */
  setDelay?: number;
}

/** A pass/block/match rule. */
export interface PfFilterRule extends PfSelector, PfRuleOptions {
  kind: "filter";
  action: PfAction;
  /** Only for `block`; absent = the ruleset's `set block-policy` (default `drop`). */
  blockPolicy?: PfBlockPolicy;
  /**
   * `return-icmp`/`return-icmp6` codes as pfctl stores them, `(type << 8) | code` (absent = pfctl's
   * defaults: port-unr for both, 0x0303 and 0x0104). Note pfctl's own quirk: `return-icmp(CODE)` sets the
   * IPv6 code to the IPv4 default (printed `, 3` on rules without address family).
   */
  returnIcmp?: { icmp: number; icmp6: number };
  /**
   * `return-rst(ttl N)`: the TTL of the TCP RST a `return-rst` block sends, 1–255 (0 or absent: the stack's default,
   * printed as plain `return-rst`). Only with `blockPolicy: "return-rst"`.
   */
  returnTtl?: number;
  /** `log`: log matching packets to pflog0. Default false. */
  log?: boolean;
  /** `log (…)` options; absent = plain `log`. */
  logOptions?: PfLogOptions;
  /** `nat-to … static-port`: keep the source port. */
  staticPort?: boolean;
  /**
   * Pool options after the nat-to/rdr-to/route-to target: `bitmask`, `random`, `source-hash [0xKEY]`,
   * `round-robin` (pfctl's choice for an interface or table target), `least-states`, and `sticky-address`.
   */
  pool?: {
    type?: "bitmask" | "random" | "source-hash" | "round-robin" | "least-states";
    key?: string;
    sticky?: boolean;
    /** The addresses of a `{ a b }` target as written; the loaded target is the table `<__automatic_N>` holding them. */
    list?: PfHost[];
  };
  /** `binat-to ADDR` (pass/match on an interface from one address): loads as a `nat-to … static-port` out rule and the reverse `rdr-to` in rule. */
  binatTo?: PfHost;
  /** `route-to`/`reply-to`/`dup-to HOST`: policy routing to one next hop (an address or `(IF)`). */
  route?: { kind: "route-to" | "reply-to" | "dup-to"; host: PfHost };
  /** `divert-to ADDR port N`: hand packets to a local socket (a proxy). */
  divertTo?: { address: string; port: number };
  /**
   * `divert-reply`: hand the replies to a local socket bound with IP_TRANSPARENT (a transparent proxy's outgoing
   * connections); out rules only. At most one of divertTo, divertReply and divertPacket. Default false.
   */
  divertReply?: boolean;
  /**
   * `divert-packet port N`: hand the packets to the divert(4) socket bound to port N (1-65535; an inline IDS or
   * filter), which may reinject them. While reassembly is on (`set reassemble yes`, the default) pfctl also turns
   * on `scrub (reassemble tcp)` for the rule. At most one divert option.
   */
  divertPacket?: { port: number };
  /** State tracking; absent = the action's default. */
  state?: PfStateMode;
  /** Options in `keep state (…)`. */
  stateOptions?: PfStateOptions;
  /** `nat-to ADDR` (match/pass out rules): one literal address or `(if)`. */
  natTo?: PfHost;
  /**
   * `nat-to ADDR port N[:M]`, and `af-to … from ADDR port N[:M]`: the source ports NAT picks from (the pool's
   * proxy ports; default 50001:65535, not printed; one port printed alone; `N:*` is N alone). With `static-port`
   * only a range keeping either default end is allowed.
   */
  natPort?: { port: number; to?: number };
  /**
   * `rdr-to ADDR [port N[:M|:*]]`: the destination port the packets are redirected to, or the first of a range.
   * `portTo` M ends the range (not below N: pfctl's `invalid rdr-to port range`); `"*"` keeps the width of the
   * rule's destination port range (`to port 80:90 rdr-to A port 8000:*` is 8000:8010; pfctl computes the end for
   * each destination port, `N + (second - first)` of that port item, modulo 65536). Port 0 is no port.
   */
  rdrTo?: { host: PfHost; port?: number; portTo?: number | "*" };
  /**
   * `af-to inet|inet6 from POOL [port N[:M]] [to POOL [port N[:M|:*]]]` (pass in rules only): translate the
   * packet to the other address family (NAT64/NAT46), its source taken from `from` and, when given, its
   * destination from `to` (otherwise derived from the destination address, e.g. the last 32 bits of
   * `64:ff9b::/96`). `from`'s pool options are in {@link pool} and its ports in {@link natPort}; `to`'s port
   * works as rdr-to's ({@link rdrTo}). A `{ list }` target loads as `<__automatic_N>` (pool.list). The rule's
   * own family is the other one (pfctl fills it in when the rule has none).
   */
  afTo?: { af: PfAddressFamily; from: PfHost; to?: { host: PfHost; port?: number; portTo?: number | "*"; list?: PfHost[] } };
  /** `once`: the rule is removed after its first match. */
  once?: boolean;
}

/** An anchor hook in the main ruleset: `anchor "NAME" [in|out] [on IF] [from … to …] [{ rules }]`. */
export interface PfAnchorCall extends PfSelector, PfRuleOptions {
  kind: "anchor";
  /**
   * Anchor path, e.g. `vpn` or `vpn/*` (evaluate every child anchor). An inline anchor written without a name
   * (`anchor { … }`) has the name pfctl gives it, `_N` (N counts the file's brace anchors), and prints as `anchor`.
   */
  name: string;
  /** Inline rules (`anchor "x" { … }`), loaded into the anchor with the ruleset; absent = none. */
  inline?: PfRule[];
  /**
   * The path pfctl loads the anchor under when it is not `name` (what `pfctl -nv` prints): a named inline anchor
   * with no rules inside another brace anchor stays where its parent's body was parsed, `_N/NAME` (N counting the
   * file's brace anchors, the parent's), parse.y anchorrule's pf_anchor_setup on the holding ruleset. Never written
   * to a file.
   */
  loadedAs?: string;
}

/** A loaded rule: what `pfctl -sr` prints one per line. */
export type PfRule = PfFilterRule | PfAnchorCall;

/** `load anchor "NAME" from "FILE"` (main ruleset only): load FILE into anchor NAME at boot. */
export interface PfLoadAnchor {
  kind: "load-anchor";
  name: string;
  file: string;
}

/** A statement of a rules file, in file order. */
export type PfStatement = PfRule | PfLoadAnchor;

/** `NAME = "value"` macro definition. */
export interface PfMacro {
  name: string;
  /** The value, macros already expanded. */
  value: string;
}

/** `table <NAME> [const] [persist] [counters] [file "…"] { … }`. */
export interface PfTable {
  name: string;
  /** `const`: entries cannot change at run time. */
  const?: boolean;
  /** `persist`: keep the table even when no rule refers to it. */
  persist?: boolean;
  /** `counters`: per-entry statistics. */
  counters?: boolean;
  /** Initial entries (addresses, networks, interface names, `!` exclusions). */
  addresses: PfHost[];
  /** `file "PATH"` sources. */
  files: string[];
}

/**
 * Options (`set …`) a gateway uses: `set skip on IF…`, `set block-policy`, `set state-policy`,
 * `set ruleset-optimization`, `set limit`, `set timeout`, `set optimization`, `set loginterface`.
 */
export type PfOption =
  | { kind: "skip"; interfaces: string[] }
  | { kind: "block-policy"; policy: "drop" | "return" }
  | { kind: "state-policy"; policy: "if-bound" | "floating" }
  | { kind: "ruleset-optimization"; level: "none" | "basic" | "profile" }
  /** `set limit NAME N`: states, frags, src-nodes, tables, table-entries, pktdelay_pkts, anchors. */
  | { kind: "limit"; name: string; value: number }
  /** `set timeout NAME SECONDS` (names of PF_TIMEOUT_NAMES). */
  | { kind: "timeout"; name: string; seconds: number }
  /** `set optimization`: normal, high-latency, satellite, aggressive or conservative (pfctl.c pf_hints; `default` is a keyword of pf.conf and a syntax error here). */
  | { kind: "optimization"; level: string }
  /** `set loginterface IF|none`. */
  | { kind: "loginterface"; interface: string }
  /** `set reassemble yes|no [no-df]`: fragment reassembly (default yes). */
  | { kind: "reassemble"; on: boolean; noDf?: boolean }
  /** `set debug LEVEL` (syslog level: emerg … debug). */
  | { kind: "debug"; level: string }
  /** `set hostid N`: pfsync host id (non-zero). */
  | { kind: "hostid"; id: number }
  /** `set syncookies never|always|adaptive [(start N%, end M%)]`. */
  | { kind: "syncookies"; mode: "never" | "always" | "adaptive"; start?: number; end?: number }
  /**
   * `set state-defaults OPTS`: the state options of every pass rule that keeps state by default (one that writes no
   * `keep`, `modulate`, `synproxy` or `no state`); a rule that writes its state keeps its own. Default: none.
   */
  | { kind: "state-defaults"; options: PfStateOptions };

/**
 * A bandwidth of a queue's service curve in bits per second (`100M` = 100000000), with an optional
 * `burst B for Nms`: B during the first N milliseconds of a backlog.
 */
export interface PfServiceCurve {
  bps: number;
  burst?: { bps: number; ms: number };
}

/**
 * `queue NAME [on IF] [parent P] [bandwidth BW [, min BW] [, max BW]] [flows N] [quantum N] [qlimit N] [default]`
 * (pf.conf QUEUEING): an HFSC class, or with `flows` an FQ-CoDel queue. A root queue names its interface and
 * has no parent; every tree needs one `default` leaf.
 */
export interface PfQueue {
  name: string;
  /** `on IF` / `on { IF … }`: the interfaces (root queues; optional for children). */
  on: string[];
  /** `parent NAME`: the parent queue; absent for a root queue. */
  parent?: string;
  /** `bandwidth`: the link-share curve (target bandwidth). */
  bandwidth?: PfServiceCurve;
  /** `, min BW`: the real-time curve (guaranteed minimum). */
  min?: PfServiceCurve;
  /** `, max BW`: the upper-limit curve. */
  max?: PfServiceCurve;
  /** `default`: packets no rule assigns go here (a leaf queue). */
  default?: boolean;
  /** `qlimit N`: packets held, 0-65535 (0: pf's default, 50). */
  qlimit?: number;
  /** `flows N` (1-32767): an FQ-CoDel queue with N flows. */
  flows?: number;
  /** `quantum N` (1-65535): FQ-CoDel's bytes per round. */
  quantum?: number;
}

/** A parsed rules file (main ruleset or anchor). */
export interface PfRuleset {
  macros: PfMacro[];
  tables: PfTable[];
  options: PfOption[];
  /** `queue` definitions, in file order (main ruleset only); absent or empty: none. */
  queues?: PfQueue[];
  rules: PfStatement[];
}

/**
 * One interface of the host, as pfctl sees it when it loads rules: used to replace `em1`,
 * `$ext_if`, `em0:network` or a group name like `egress` by addresses.
 */
export interface PfInterface {
  /** Interface name, e.g. `em1`. */
  name: string;
  /** Addresses with prefix length, e.g. `172.16.0.1/24`, `2001:db8::1/64`; a bare address is a host. */
  addresses: string[];
  /** Interface groups it belongs to (besides its driver name), e.g. `egress`, `carp`. */
  groups: string[];
}

/** An empty ruleset. */
export function emptyPfRuleset(): PfRuleset {
  return { macros: [], tables: [], options: [], rules: [] };
}
