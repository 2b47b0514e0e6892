/**
 * Inputs not known yet, as they reach the provider at preview.
 *
 * An input that depends on something not created yet (another resource's id, an `apply` on it, a PSK from a
 * random-password resource) is *unknown* at `pulumi preview`. The engine sends it to the provider's Check and
 * Diff as one fixed string (the Go engine's `plugin.UnknownStringValue`), inside the secret wrapper when the
 * value is a secret. `@pulumi/pulumi/provider`'s server hands the request on as it is
 * (`req.getNews().toJavaScript()`, provider/server.js check and diff; the same in 3.248.0 and 3.276.0): the
 * string arrives in place of the value, at any depth, and `runtime/rpc.js` exports it as `unknownValue`.
 *
 * Decision: a check whose value is unknown waits for `pulumi up`, where the engine checks the inputs again with
 * every value known; Check returns an unknown as it came (the engine reads it back as unknown) and Diff reports
 * the unknown parts as changes. `pulumi up` never reaches Create or Update with an unknown.
 */
import { isSecret } from "./secrets";

/** The value the engine sends in place of an input not known yet (`unknownValue` of @pulumi/pulumi's runtime/rpc.js). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether `v` is an unknown value (secret or not). */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN || (isSecret(v) && isUnknown(v.value));
}

/** Whether `v` is, or holds at any depth, an unknown value. */
export function hasUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (isSecret(v)) return hasUnknown(v.value);
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(hasUnknown);
  return false;
}
