/** The head of every commit script (commit-script.ts, confirm-script.ts): the block that opens it and the prelude. */
import { SCRIPT_LIB } from "./script-lib";

/** Seconds the lock is waited for before giving up. */
export const LOCK_WAIT_SECONDS = 120;

/**
 * Scripts open a `{ … }` block (after the shellcheck directive), so sh reads the whole script before
 * running any of it: one cut short by a lost connection runs nothing.
 */
export const BLOCK_START = [SCRIPT_LIB.split("\n")[0]!, "{"];

/** What every commit script starts with after the block: the library, the lock wait, the commit's id and folder, `ch PATH` (changed?). */
export const PRELUDE = (id: string) => [
  SCRIPT_LIB.trimEnd(),
  `LOCK_WAIT=${LOCK_WAIT_SECONDS}`,
  `ID=${id}`,
  'R="$D/rollback/$ID"',
  'ch() { grep -qxF "$1" "$R/changed" 2>/dev/null; }',
];

