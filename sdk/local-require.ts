/**
 * `require` for a module loaded on demand (a library only some programs need, a dependency's internal file): the
 * module system's own where it gives one (the CommonJS build, vitest), else (tsx running the ESM sources) one for
 * the entry file. No `import.meta`, which the CommonJS build rejects.
 */
import { createRequire } from "node:module";

export const localRequire: NodeRequire = typeof require === "function" ? require : createRequire(process.argv[1]!);
