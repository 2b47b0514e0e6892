/** The planner: pure, from the declared topology to each gateway's desired {@link HostState}. */
export * from "./spec";
export * from "./docs";
export * from "./errors";
export { planTopology, VPN_ANCHOR, ANCHOR_DIR, type PlanOptions } from "./plan";
export { renderGateway, hostnameLines } from "./render";
export { deriveBytes, deriveHexKey, deriveSpi, deriveEcdsaKeyPair, fingerprint, type PemKeyPair } from "./keys";
export { planAndRender } from "./run";
