/**
 * pf.conf parser: the filter options parse.y marks as given (filter_opts.marker FOM_FLAGS, FOM_KEEP, FOM_TOS), each
 * refused the second time where filter_opt's action runs, once the option is read (`tos 4 tos 300` is an illegal tos
 * value before it is a redefinition); and the checks filteropts_to_rule makes when the rule is read, in its order
 * (the tags' length, `flags always false`).
 */
import type { Token } from "./lexer";
import type { PfFilterRule, PfStateMode } from "./types";
import { flagString } from "./parser-base";
import { PfDivertParser } from "./parser-divert";

/** PF_TAG_NAME_SIZE: a tag name and its NUL. */
const PF_TAG_NAME_SIZE = 64;

export abstract class PfMarkerParser extends PfDivertParser {
  /** The markers of the rule being read. */
  private marks = { flags: false, keep: false, tos: false };
  /** filteropts_to_rule's `flags always false` (the flags as written), found when they were read, reported with the rule. */
  private flagsAlwaysFalse: string | undefined;

  /** A new rule's options begin. */
  protected resetMarks(): void {
    this.marks = { flags: false, keep: false, tos: false };
    this.flagsAlwaysFalse = undefined;
  }

  /** `flags`, `keep`/`modulate`/`synproxy`/`no state` and `tos`; false when `t` is none of them. */
  protected onceOpt(t: Token, o: Partial<PfFilterRule>): boolean {
    switch (t.text) {
      case "flags":
        o.flags = this.flagsOpt();
        return true;
      case "no":
      case "keep":
      case "modulate":
      case "synproxy":
        this.keepOpt(t, o);
        return true;
      case "tos": {
        // `tos N`: match the TOS byte; 0 (no check) is what pfctl keeps for none, and prints nothing
        this.shift();
        const n = this.tosValue();
        // filter_opt's action, reduced at the value
        if (o.tos !== undefined || this.marks.tos) this.failOnToken("tos cannot be redefined", undefined, this.prev!);
        this.marks.tos = true;
        if (n !== 0) o.tos = n;
        return true;
      }
      default:
        return false;
    }
  }

  /** parse.y tos (filter option and `set tos`). */
  protected abstract tosValue(): number;

  /** `flags F/M`, `flags /M` or `flags any`, as written. */
  private flagsOpt(): string {
    this.shift();
    let flags = "any";
    if (!this.acceptKw("any")) {
      let set = 0;
      if (!this.isChar("/")) set = this.flag();
      this.expectChar("/");
      const mask = this.flag();
      flags = `${flagString(set)}/${flagString(mask)}`;
      this.flagsAlwaysFalse = (set & mask) !== set ? flags : undefined;
    }
    // filter_opt's action, reduced at the flags' last word
    if (this.marks.flags) this.failOnToken("flags cannot be redefined", undefined, this.prev!);
    this.marks.flags = true;
    return flags;
  }

  /** `no state`, `keep state`, `modulate state`, `synproxy state`, with state options. */
  private keepOpt(t: Token, o: Partial<PfFilterRule>): void {
    this.shift();
    this.expectKw("state");
    const so = t.text !== "no" && this.acceptChar("(") ? this.stateOpts() : undefined;
    // filter_opt's action, once `keep` is reduced: at its `)`, or at the lookahead after `state`
    if (this.marks.keep) {
      if (so) this.failOnToken("modulate or keep cannot be redefined", undefined, this.prev!);
      this.fail("modulate or keep cannot be redefined");
    }
    this.marks.keep = true;
    o.state = t.text === "no" ? "no" : (t.text as PfStateMode);
    if (so && Object.keys(so).length > 0) o.stateOptions = so;
  }

  /** filteropts_to_rule's checks before the label's, in its order: the tags' length (`tag`, then `tagged`). */
  protected checkTagLengths(fo: Partial<PfFilterRule>): void {
    for (const name of [fo.tag, fo.tagged?.name]) if (name !== undefined && Buffer.byteLength(name) >= PF_TAG_NAME_SIZE) this.fail("tag too long, max 63 chars");
  }

  /** filteropts_to_rule's check after the label's and af-to's: flags that can never match. */
  protected checkFlagsFalse(): void {
    if (this.flagsAlwaysFalse !== undefined) this.fail("flags always false", `\`${this.flagsAlwaysFalse}\`: the flags must be a subset of the mask`);
  }
}
