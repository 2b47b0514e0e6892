/** iked.conf(5) (IKEv2): types, parser, canonical renderer, lint and iked's create_ike defaults. */
export * from "./types";
export { parseIkedConf, parseIkedConfDetailed, type IkedParseEvent, type IkedParseDetails, protocolName, CONFIG_OPTIONS } from "./parser";
export { renderIkedConf, renderIkedPolicy, ikedQuote } from "./render";
export { lintIkedConf } from "./lint";
export { expandIkedPolicy, IKED_DEFAULT_LIFETIME, type IkedExpandedPolicy, type IkedExpandResult, type IkedProposal, type IkedResolvedAddr, type IkedResolvedFlow } from "./expand";
export { AUTH_METHODS, IKE_ENC, CHILD_ENC, AUTH, PRF, GROUP, canonicalTransform, allowedNames, type IkedAuthMethod, type IkedXfKind } from "./transforms";
export { formatIPv6, parseAddr, canonicalHost } from "./address";
