/** `require` of the installed `@pulumi/pulumi`'s own modules (its grpc-js, protobuf and generated code). */
import { createRequire } from "node:module";

// `require` where the module system gives one (the CommonJS build, vitest), else (tsx running the ESM sources)
// one for the entry file; no `import.meta`, which a CommonJS build rejects.
const here: NodeRequire = typeof require === "function" ? require : createRequire(process.argv[1]!);
/** `require` as seen from the installed `@pulumi/pulumi`: the SDK's own grpc-js, protobuf and generated code. */
export const sdkRequire = createRequire(here.resolve("@pulumi/pulumi/package.json"));
