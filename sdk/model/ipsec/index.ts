/**
 * ipsec.conf(5) for ipsecctl(8)/isakmpd(8): types, crypto transforms, parser, canonical renderer,
 * validators, lint, and the flows/SAs rules produce with their `ipsecctl -sf`/`-ss` printers.
 */
export * from "./types";
export * from "./transforms";
export {
  familyOf,
  formatAddress,
  isHost,
  netmaskOf,
  parseIp,
  printAddress,
  protocolName,
  protocolNumber,
  resolvePort,
  resolveProtocol,
  serviceName,
  isProtocolName,
} from "./address";
export { KEYWORDS, type Token } from "./lexer";
export {
  parseIpsecConf,
  parseIpsecConfDetailed,
  problemDiagnostic,
  problemMessage,
  type ParsedItem,
  type ParseOptions,
  type ParseProblem,
} from "./parser";
export { formatLifetime, formatSpi, quoteWord, renderIpsecConf, renderStatement } from "./render";
export {
  effectiveSaTransforms,
  expandPairs,
  pairProblem,
  flowRuleProblems,
  ikeRuleProblems,
  problemReason,
  saRuleProblems,
  statementProblems,
  tcpMd5RuleProblems,
  validateIkeRule,
  validateIpsecConf,
  validateStatement,
  type RuleProblem,
} from "./validate";
export { lintIpsecConf } from "./lint";
export { defaultPeerWarnings, type DefaultPeerWarning } from "./default-peer";
export * from "./flows";
export * from "./kernel";
