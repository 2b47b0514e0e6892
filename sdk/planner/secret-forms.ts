/**
 * How a secret value is looked for in text the provider shows (redaction): the shortest value redacted, and the
 * forms of a value (a PEM key's lines). Its own module so that the provider loads it without the planner.
 */

/**
 * Shortest value the provider redacts from text: shorter strings occur everywhere by chance (a 2-letter
 * carp password would garble every message). Files are marked by every non-empty secret, however short.
 */
export const MIN_REDACTED_LENGTH = 4;

/**
 * The redaction forms of a secret value: the value itself and, for a multi-line value (a PEM key), each
 * of its lines long enough to be key material (a tool may echo a single line).
 */
export function secretForms(v: string): string[] {
  const lines = v.includes("\n") ? v.split("\n").map((l) => l.trim()).filter((l) => l.length >= 16 && !l.startsWith("-----")) : [];
  return [v, ...lines];
}
