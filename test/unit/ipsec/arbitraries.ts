/** fast-check generators of valid, canonical ipsec.conf statements (for the property tests and the bench). */
import fc from "fast-check";
import {
  AUTH_KEY_BYTES,
  ENC_INFO,
  GROUP_TRANSFORMS,
  PHASE1_AUTH,
  PHASE1_ENC,
  STATIC_ENC,
  AUTH_TRANSFORMS,
  ENC_TRANSFORMS,
  parseIp,
  statementProblems,
  type FlowRule,
  type IkeRule,
  type IpsecAddress,
  type IpsecEndpoint,
  type IpsecStatement,
  type SaRule,
  type TcpMd5Rule,
} from "../../../sdk/model/ipsec";

const canonical = (text: string): IpsecAddress => {
  const r = parseIp(text);
  if (!r || "error" in r) throw new Error(`bad generated address ${text}`);
  return r.value;
};

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
const v6 = fc.array(fc.oneof(fc.constant(0), fc.nat(0xffff)), { minLength: 8, maxLength: 8 }).map((h) => h.map((x) => x.toString(16)).join(":"));

/** An address of one family: host or network. */
export const address = (fam: 4 | 6): fc.Arbitrary<IpsecAddress> =>
  fc
    .tuple(fam === 4 ? v4 : v6, fc.option(fc.nat(fam === 4 ? 32 : 128), { nil: undefined }))
    .map(([a, len]) => canonical(len === undefined ? a : `${a}/${len}`));

const hostAddress = (fam: 4 | 6) => (fam === 4 ? v4 : v6).map(canonical);
const name = fc.constantFrom<IpsecAddress>({ kind: "name", name: "em0" }, { kind: "name", name: "egress" }, { kind: "name", name: "gw2.example.com" });

const endpoint = (fam: 4 | 6, withPort: boolean): fc.Arbitrary<IpsecEndpoint> =>
  fc
    .tuple(
      fc.oneof(
        { weight: 5, arbitrary: fc.array(address(fam), { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.constant<IpsecAddress[]>([{ kind: "any" }]) },
      ),
      withPort ? fc.option(fc.nat(65535), { nil: undefined }) : fc.constant(undefined),
    )
    .map(([addresses, port]) => (port === undefined ? { addresses } : { addresses, port }));

/** Strings that survive quoting: printable ASCII without `"` and `\`. */
const word = fc.oneof(
  fc.constantFrom("gw1.example.com", "user@example.com", "192.0.2.1", "12345", "any", "net1-to-net2", "with space", "$notamacro", "#hash"),
  fc.string({ unit: fc.constantFrom(..."abcXYZ019._:@+-/#$ {},=()!'".split("")), minLength: 1, maxLength: 20 }),
);

const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

function strip<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

const lifetime = optional(fc.oneof(fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 1, max: 48 }).map((h) => h * 3600)));

export const ikeRule: fc.Arbitrary<IkeRule> = fc
  .record({
    fam: fc.constantFrom<4 | 6>(4, 6),
    mode: optional(fc.constantFrom("active", "passive", "dynamic") as fc.Arbitrary<IkeRule["mode"]>),
    satype: optional(fc.constantFrom("esp", "ah") as fc.Arbitrary<"esp" | "ah">),
    encap: optional(fc.constantFrom("tunnel", "transport") as fc.Arbitrary<"tunnel" | "transport">),
    proto: optional(fc.constantFrom<string | number>("tcp", "udp", "icmp", "ipencap", "gre", 253)),
    local: fc.boolean(),
    peer: fc.nat(3),
    main: optional(
      fc.record(
        {
          aggressive: fc.constant(true),
          auth: fc.constantFrom(...PHASE1_AUTH),
          enc: fc.constantFrom(...PHASE1_ENC),
          group: fc.constantFrom(...GROUP_TRANSFORMS.filter((g) => g !== "none")),
          lifetime: fc.integer({ min: 60, max: 86400 }),
        },
        { requiredKeys: [] },
      ),
    ),
    quick: optional(
      fc.record(
        {
          auth: fc.constantFrom(...AUTH_TRANSFORMS),
          enc: fc.constantFrom(...ENC_TRANSFORMS),
          group: fc.constantFrom(...GROUP_TRANSFORMS),
          lifetime: fc.integer({ min: 60, max: 86400 }),
        },
        { requiredKeys: [] },
      ),
    ),
    srcid: optional(word),
    dstid: optional(word),
    auth: optional(fc.oneof(word.map((psk) => ({ kind: "psk" as const, psk })), fc.constant({ kind: "rsa" as const }))),
    tag: optional(word),
    seed: fc.tuple(endpoint(4, true), endpoint(4, true), endpoint(6, true), endpoint(6, true), hostAddress(4), hostAddress(6), hostAddress(4), hostAddress(6), name),
  })
  .map((g) => {
    const [f4, t4, f6, t6, h4, h6, l4, l6, nm] = g.seed;
    const tcpudp = g.proto === "tcp" || g.proto === "udp";
    const from = g.fam === 4 ? f4 : f6;
    const to = g.fam === 4 ? t4 : t6;
    if (!tcpudp) {
      delete from.port;
      delete to.port;
    }
    const quick = g.quick ? strip({ ...g.quick }) : undefined;
    if (quick?.enc && ENC_INFO[quick.enc].noAuth) delete quick.auth;
    if (quick && g.satype === "ah") delete quick.enc;
    const peer = [undefined, g.fam === 4 ? h4 : h6, { kind: "any" } as IpsecAddress, nm][g.peer];
    const r: IkeRule = strip({
      type: "ike",
      mode: g.mode,
      satype: g.satype,
      encap: g.encap,
      proto: g.proto,
      from,
      to,
      local: g.local ? (g.fam === 4 ? l4 : l6) : undefined,
      peer,
      main: g.main ? strip({ ...g.main }) : undefined,
      quick,
      srcid: g.srcid,
      dstid: g.dstid,
      auth: g.auth,
      tag: g.tag && g.tag.length <= 63 ? g.tag : undefined,
    } as IkeRule);
    return r;
  })
  .filter((r) => statementProblems(r).length === 0);

export const flowRule: fc.Arbitrary<FlowRule> = fc
  .record({
    fam: fc.constantFrom<4 | 6>(4, 6),
    satype: optional(fc.constantFrom("esp", "ah", "ipcomp", "ipip") as fc.Arbitrary<FlowRule["satype"]>),
    direction: optional(fc.constantFrom("in", "out") as fc.Arbitrary<"in" | "out">),
    proto: optional(fc.constantFrom<string | number>("tcp", "udp", "ipencap")),
    flowType: optional(fc.constantFrom("use", "acquire", "require", "deny", "bypass", "dontacq") as fc.Arbitrary<FlowRule["flowType"]>),
    peer: fc.boolean(),
    local: fc.boolean(),
    srcid: optional(word),
    dstid: optional(word),
    seed: fc.tuple(endpoint(4, true), endpoint(4, true), endpoint(6, true), endpoint(6, true), hostAddress(4), hostAddress(6)),
  })
  .map((g) => {
    const [f4, t4, f6, t6, h4, h6] = g.seed;
    const from = g.fam === 4 ? f4 : f6;
    const to = g.fam === 4 ? t4 : t6;
    if (g.proto !== "tcp" && g.proto !== "udp") {
      delete from.port;
      delete to.port;
    }
    return strip({
      type: "flow",
      satype: g.satype,
      direction: g.direction,
      proto: g.proto,
      from,
      to,
      local: g.local ? (g.fam === 4 ? h4 : h6) : undefined,
      peer: g.peer ? (g.fam === 4 ? h4 : h6) : undefined,
      srcid: g.srcid,
      dstid: g.dstid,
      flowType: g.flowType,
    } as FlowRule);
  })
  .filter((r) => statementProblems(r).length === 0);

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((a) => Buffer.from(a).toString("hex"));
const spi = fc.record({ out: fc.integer({ min: 256, max: 0xffffffff }), in: fc.integer({ min: 256, max: 0xffffffff }) }, { requiredKeys: ["out"] });

export const saRule: fc.Arbitrary<SaRule> = fc
  .record({
    fam: fc.constantFrom<4 | 6>(4, 6),
    satype: optional(fc.constantFrom("esp", "ah") as fc.Arbitrary<"esp" | "ah">),
    encap: optional(fc.constantFrom("tunnel", "transport") as fc.Arbitrary<"tunnel" | "transport">),
    auth: optional(fc.constantFrom(...AUTH_TRANSFORMS)),
    enc: optional(fc.constantFrom(...STATIC_ENC.filter((e) => e !== "null"))),
    spi,
    udpencap: optional(fc.record({ port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: [] })),
    seed: fc.tuple(hostAddress(4), hostAddress(4), hostAddress(6), hostAddress(6)),
    keyseed: fc.tuple(hex(64), hex(64), hex(56), hex(56)),
    encLenPick: fc.nat(1000),
    bundle: optional(word),
  })
  .map((g) => {
    const [a4, b4, a6, b6] = g.seed;
    const satype = g.satype ?? "esp";
    const auth = g.auth ?? "hmac-sha2-256";
    const enc = satype === "esp" ? (g.enc ?? "aes") : undefined;
    const authBytes = AUTH_KEY_BYTES[auth];
    const key = (hexs: string, n: number) => hexs.slice(0, n * 2);
    const encBytes = enc ? ENC_INFO[enc].keyMin + (g.encLenPick % (ENC_INFO[enc].keyMax - ENC_INFO[enc].keyMin + 1)) : 0;
    const pair = (a: string, b: string, n: number) => (g.spi.in !== undefined ? { out: key(a, n), in: key(b, n) } : { out: key(a, n) });
    return strip({
      type: "sa",
      satype: g.satype,
      encap: g.encap,
      from: g.fam === 4 ? a4 : a6,
      to: g.fam === 4 ? b4 : b6,
      spi: strip({ ...g.spi }),
      udpencap: g.udpencap ? strip({ ...g.udpencap }) : undefined,
      auth: g.auth,
      enc: satype === "esp" ? g.enc : undefined,
      authkey: pair(g.keyseed[0], g.keyseed[1], authBytes),
      enckey: enc ? pair(g.keyseed[2], g.keyseed[3], encBytes) : undefined,
      bundle: g.bundle,
    } as SaRule);
  })
  .filter((r) => statementProblems(r).length === 0);

export const tcpMd5Rule: fc.Arbitrary<TcpMd5Rule> = fc
  .tuple(hostAddress(4), hostAddress(4), spi, hex(16), hex(16))
  .map(([from, to, s, k1, k2]) => ({ type: "tcpmd5" as const, from, to, spi: strip({ ...s }), authkey: s.in !== undefined ? { out: k1, in: k2 } : { out: k1 } }));

export const statement: fc.Arbitrary<IpsecStatement> = fc.oneof(
  { weight: 4, arbitrary: ikeRule },
  { weight: 2, arbitrary: flowRule },
  { weight: 2, arbitrary: saRule },
  { weight: 1, arbitrary: tcpMd5Rule },
);
