/** How read classifies each item (ARCHITECTURE.md, D5: canonical rendering, two-layer drift). */
export type DriftClass = "in sync" | "file drifted" | "running drifted" | "not persisted";
