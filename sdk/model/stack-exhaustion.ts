/**
 * Whether `e` is the JavaScript engine running out of stack: a parser's recursion on input nested past any use. The
 * parsers read nested lists without recursion and stop where OpenBSD's yacc stack overflows; this is their last guard,
 * reported as that same overflow instead of escaping as a RangeError.
 */
export function isStackExhaustion(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
