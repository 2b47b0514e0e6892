/** `require` of the installed `@pulumi/pulumi`'s own modules (its grpc-js, protobuf and generated code). */
import { createRequire } from "node:module";
import { localRequire } from "../sdk/local-require";

/** `require` as seen from the installed `@pulumi/pulumi`: the SDK's own grpc-js, protobuf and generated code. */
export const sdkRequire = createRequire(localRequire.resolve("@pulumi/pulumi/package.json"));
