/** The pf language: types, parser, canonical renderer, `pfctl -sr` parser, lint, optimizer. */
export * from "./types";
export { parsePf, parsePfDetailed, type PfParseOptions, type PfParseOutput } from "./parser";
export { renderPfRule, renderPfConf, renderHost, renderPort, renderTable, formatStatement, formatStatementForFile } from "./render";
export { expandRules, expandStatement, type ExpandContext, type ExpandResult } from "./expand";
export { parsePfctlSr } from "./sr";
export { lintPf, type PfLintOptions } from "./lint";
export { optimizeRules } from "./optimize";
export { validatePfStatement, validatePfTable } from "./validate";
export { parseLiteralAddress, interfaceAddresses } from "./address";
export { canonicalProtocol, protocolName, protocolNumber, servicePort } from "./names";
