/** Token rules (ARCHITECTURE.md D11): one rule per kind of token of every language this project writes. */
export * from "./refusal";
export * from "./names";
export * from "./address";
export * from "./secrets";
export * from "./words";
export * from "./wg";
export * from "./interface";
export * from "./package";
export * from "./ssh";
