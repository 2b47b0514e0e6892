/**
 * Which of a gateway's secret values occur in a text (exact substrings): the test that marks a rendered
 * file secret (secrets.ts sealSecrets). A gateway of a large mesh has hundreds of PSKs and files of tens
 * of kilobytes, so a scan per value is too slow; values of {@link MIN_HASHED} characters or more are found
 * in one rolling-hash pass per text (Rabin–Karp on windows of n characters, n the shortest such length).
 *
 * Decision: each value is keyed by the window of its own that the fewest other values share, not by its
 * first n characters. Generated secrets often share a prefix (`psk-12-100`, `psk-12-101`, …); keyed by
 * their prefixes they all land in one bucket, and every occurrence of one of them would be compared with
 * all of them. The index is built once per gateway and used for each of its files.
 *
 * Pure: no I/O.
 */

/** Values shorter than this are searched one by one (a window this short would match almost anywhere). */
const MIN_HASHED = 8;
/** Hashes are kept to 30 bits, so they stay small integers in V8. */
const M = 0x3fffffff;
const B = 131;

function windowHash(s: string, from: number, n: number): number {
  let h = 0;
  for (let i = from; i < from + n; i++) h = (Math.imul(h, B) + s.charCodeAt(i)) & M;
  return h;
}

/** The values of one set found in texts; build once, ask for each text. */
export class SecretFinder {
  private readonly short: string[];
  private readonly long: string[];
  /** Window length: the shortest hashed value. */
  private readonly n: number;
  /** B^(n-1) mod 2^30: what the leaving character weighs in the window's hash. */
  private readonly pow: number;
  /** Where each long value's keyed window starts. */
  private readonly offsets: Int32Array;
  private readonly hashes: Int32Array;
  /** Hash table: first value of each bucket (-1: none), and the next value of the same bucket. */
  private readonly slots: Int32Array;
  private readonly next: Int32Array;
  private readonly mask: number;

  constructor(private readonly values: readonly string[]) {
    this.short = values.filter((v) => v.length > 0 && v.length < MIN_HASHED);
    this.long = values.filter((v) => v.length >= MIN_HASHED);
    const long = this.long;
    let n = long.length > 0 ? long[0]!.length : 0;
    for (const v of long) if (v.length < n) n = v.length;
    this.n = n;
    let pow = 1;
    for (let i = 1; i < n; i++) pow = Math.imul(pow, B) & M;
    this.pow = pow;
    let mask = 15;
    while (mask < long.length * 64) mask = mask * 2 + 1;
    this.mask = mask;
    this.offsets = new Int32Array(long.length);
    this.hashes = new Int32Array(long.length);
    this.next = new Int32Array(long.length);
    this.slots = new Int32Array(mask + 1).fill(-1);
    const uses = new Map<number, number>();
    for (let k = 0; k < long.length; k++) {
      const v = long[k]!;
      // the window of v that the fewest values so far are keyed by (the first of them on a tie)
      let h = windowHash(v, 0, n);
      let best = 0;
      let bestHash = h;
      let bestUses = uses.get(h) ?? 0;
      for (let o = 1; o + n <= v.length && bestUses > 0; o++) {
        h = (Math.imul((h - Math.imul(v.charCodeAt(o - 1), pow)) | 0, B) + v.charCodeAt(o + n - 1)) & M;
        const u = uses.get(h) ?? 0;
        if (u < bestUses) [best, bestHash, bestUses] = [o, h, u];
      }
      uses.set(bestHash, bestUses + 1);
      this.offsets[k] = best;
      this.hashes[k] = bestHash;
      this.next[k] = this.slots[bestHash & mask]!;
      this.slots[bestHash & mask] = k;
    }
  }

  /** The values that occur in `text`, in the order they were given. */
  in(text: string): string[] {
    const found = new Set<string>();
    for (const v of this.short) if (text.includes(v)) found.add(v);
    if (this.long.length > 0) this.scan(text, found);
    return this.values.filter((v) => found.has(v));
  }

  private scan(text: string, found: Set<string>): void {
    const { n, pow, mask, slots } = this;
    const len = text.length;
    if (len < n) return;
    let h = windowHash(text, 0, n);
    for (let i = 0; ; i++) {
      if (slots[h & mask]! >= 0) this.check(text, i, h, found);
      if (i + n >= len) break;
      h = (Math.imul((h - Math.imul(text.charCodeAt(i), pow)) | 0, B) + text.charCodeAt(i + n)) & M;
    }
  }

  /** The values keyed by the window at `i` (hash `h`) that start where their window says. */
  private check(text: string, i: number, h: number, found: Set<string>): void {
    for (let k = this.slots[h & this.mask]!; k >= 0; k = this.next[k]!) {
      if (this.hashes[k] !== h) continue;
      const v = this.long[k]!;
      const at = i - this.offsets[k]!;
      if (at >= 0 && !found.has(v) && text.startsWith(v, at)) found.add(v);
    }
  }
}
