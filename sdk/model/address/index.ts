/** The address/network model shared by every language, the components, the planner and the provider. */
export * from "./parse";
export * from "./sets";
export * from "./written";
export * from "./dotted";
