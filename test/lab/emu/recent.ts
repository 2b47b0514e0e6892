/**
 * TEST DOUBLE — the few values the resident emulator used last, by key (least recently used dropped first): what a
 * gateway's reads ask again and again (the same anchor file's parse, the same `pfctl -nv` output) is computed once.
 */
export class Recent<K, V> {
  private readonly values = new Map<K, V>();
  constructor(readonly size: number) {}

  /** The value kept for `key`, now the most recently used; undefined when none is kept. */
  get(key: K): V | undefined {
    const v = this.values.get(key);
    if (v === undefined) return undefined;
    this.values.delete(key);
    this.values.set(key, v);
    return v;
  }

  /** Keeps `value` for `key`, dropping the least recently used value past {@link size}. */
  set(key: K, value: V): void {
    this.values.delete(key);
    this.values.set(key, value);
    if (this.values.size > this.size) this.values.delete(this.values.keys().next().value!);
  }
}
