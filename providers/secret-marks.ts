/**
 * Where a request marked its values secret, and putting those marks back on what the provider returns.
 *
 * The provider unwraps every request (providers/secrets.ts `unwrap`) to work on plain values, so a secret the
 * user gave (a whole `state`, one file's `content`, a `connection`) would come back plaintext unless it is
 * marked again. Decision: the marks travel as property paths. {@link secretPaths} lists where a request held a
 * secret; {@link markSecret} wraps the values at those paths in what the provider returns (inputs of Check and
 * Read, outputs of Create, Update and Read), so whatever the user marked stays secret at the same level, or a
 * coarser one where the provider already wraps an enclosing value.
 */
import { isSecret, secret, unwrap } from "./secrets";

/** A property path: object keys and array indexes from the root of a property bag. */
export type PropertyPath = readonly (string | number)[];

/** The path of every secret-wrapped value in `v` (the outermost of nested ones). */
export function secretPaths(v: unknown, at: PropertyPath = []): PropertyPath[] {
  if (isSecret(v)) return [at];
  if (Array.isArray(v)) return v.flatMap((x, i) => secretPaths(x, [...at, i]));
  if (typeof v === "object" && v !== null) return Object.entries(v).flatMap(([k, x]) => secretPaths(x, [...at, k]));
  return [];
}

/**
 * `v` with the value at each path wrapped as a secret (a copy; `v` is not changed). A path that leads into a
 * value already secret is covered by it; a path that `v` does not have (an item since removed) marks nothing,
 * as there is no value there to leak.
 */
export function markSecret<T>(v: T, paths: Iterable<PropertyPath>): T {
  let out: unknown = v;
  for (const p of paths) out = markOne(out, p);
  return out as T;
}

function markOne(v: unknown, path: PropertyPath): unknown {
  if (isSecret(v)) return v;
  if (path.length === 0) return v === undefined ? v : secret(unwrap(v));
  const [k, ...rest] = path;
  if (Array.isArray(v) && typeof k === "number" && k < v.length) return v.map((x, i) => (i === k ? markOne(x, rest) : x));
  if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.hasOwn(v, k!)) return { ...(v as object), [k!]: markOne((v as Record<string, unknown>)[k as string], rest) };
  return v;
}
