/**
 * Every pf.conf OpenBSD's pfctl accepted in test/fixtures/oracle/pfctl (recorded by scripts/record-oracle.sh)
 * is accepted by the pf model, renders to text that parses back to the same ruleset (and loads the same
 * rules), and its rules are accepted by PfAnchor's rule reader (the path `new PfAnchor(…, { rules })` takes
 * at preview) — except rules that assign a queue, which an anchor cannot (`pfctl -a` knows no queue:
 * `queue NAME is not defined`): PfAnchor refuses those in pfctl's words.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pfRules } from "../../../sdk/components/nodes";
import { expandRules } from "../../../sdk/model/pf/expand";
import { parsePf } from "../../../sdk/model/pf/parser";
import { formatStatement, formatStatementForFile, renderPfConf } from "../../../sdk/model/pf/render";
import type { PfRule, PfStatement } from "../../../sdk/model/pf/types";
import { GOLDEN_PF_INTERFACES } from "../lint/golden-cases";

const DIR = fileURLToPath(new URL("../../fixtures/oracle/pfctl", import.meta.url));
const accepted = readdirSync(DIR)
  .filter((f) => f.endsWith(".conf"))
  .map((f) => f.slice(0, -5))
  .filter((c) => readFileSync(`${DIR}/${c}.rc`, "utf8").trim() === "0")
  .sort();
describe("the pf model on every pf.conf pfctl accepted (fixtures/oracle/pfctl)", () => {
  it("has the accepted cases", () => expect(accepted.length).toBeGreaterThanOrEqual(30));
  for (const c of accepted) {
    const text = readFileSync(`${DIR}/${c}.conf`, "utf8");
    // the files the case names (NAME.files/, next to which it was recorded): tables and includes
    const side = `${DIR}/${c}.files`;
    const opts = { interfaces: GOLDEN_PF_INTERFACES, ...(existsSync(side) ? { readFile: (p: string) => (existsSync(`${side}/${p}`) ? readFileSync(`${side}/${p}`, "utf8") : undefined) } : {}) };
    const relLoad = parsePf(text, `${c}.conf`, opts).value.rules.find((s) => s.kind === "load-anchor" && !s.file.startsWith("/"));
    if (relLoad?.kind === "load-anchor") {
      // recorded next to its anchor file; the model writes only absolute anchor paths (as /etc/pf.conf needs)
      it(`${c}: parses; rendering refuses its relative load anchor path`, () => {
        const r = parsePf(text, `${c}.conf`, opts);
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(() => renderPfConf(r.value)).toThrow(`anchor file \`${relLoad.file}\` must be an absolute path`);
      });
      continue;
    }
    // pfctl takes an IPv4 pool entry with more than 32 bits of mask where the rule's family skips it (inet6); the
    // model writes no such address
    const wide = parsePf(text, `${c}.conf`, opts).value.rules.some((s) => s.kind === "filter" && s.pool?.list?.some((h) => h.kind === "address" && /^[\d.]+\/\d+$/.test(h.address) && Number(h.address.split("/")[1]) > 32));
    if (wide) {
      it(`${c}: parses; rendering refuses an IPv4 pool entry with more than 32 bits of mask`, () => {
        const r = parsePf(text, `${c}.conf`, opts);
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(() => renderPfConf(r.value)).toThrow("is not an IPv4/IPv6 address or network");
      });
      continue;
    }
    it(`${c}: parses, renders and parses back to the same ruleset`, () => {
      const r = parsePf(text, `${c}.conf`, opts);
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const again = parsePf(renderPfConf(r.value), "rendered.conf", opts);
      expect(again.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(again.value.rules).toEqual(r.value.rules);
      expect(again.value.tables).toEqual(r.value.tables);
      expect(again.value.queues).toEqual(r.value.queues);
      expect(expandRules(again.value, GOLDEN_PF_INTERFACES).map(formatStatement)).toEqual(expandRules(r.value, GOLDEN_PF_INTERFACES).map(formatStatement));
    });
    const withQueue = (rs: readonly PfStatement[]): PfRule | undefined => {
      for (const s of rs) {
        if (s.kind !== "load-anchor" && s.queue !== undefined) return s;
        const inner = s.kind === "anchor" && s.inline ? withQueue(s.inline) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    const queued = withQueue(parsePf(text, `${c}.conf`, opts).value.rules);
    if (queued) {
      it(`${c}: PfAnchor refuses its rules that assign a queue, as pfctl -a does`, () => {
        const r = parsePf(text, `${c}.conf`, opts);
        const rulesText = r.value.rules.filter((s) => s.kind !== "load-anchor").map(formatStatementForFile).join("\n") + "\n";
        expect(() => pfRules(`PfAnchor "${c}"`, "rules", rulesText)).toThrow();
        expect(parsePf(rulesText, "rules").diagnostics.find((d) => d.severity === "error")?.message).toContain(`queue ${queued.queue!.name} is not defined`);
      });
      continue;
    }
    // an anchor called by its path from the main ruleset (`anchor "/1/2/3"` inside an inline anchor): valid pf, which
    // PfAnchor refuses (it would leave the anchors the resource manages)
    const absolute = (rs: readonly PfStatement[]): boolean => rs.some((s) => s.kind === "anchor" && (s.name.startsWith("/") || absolute(s.inline ?? [])));
    if (absolute(parsePf(text, `${c}.conf`, opts).value.rules)) {
      it(`${c}: PfAnchor refuses its rules that call an anchor by a path from the main ruleset`, () => {
        const rulesText = parsePf(text, `${c}.conf`, opts).value.rules.filter((s) => s.kind !== "load-anchor").map(formatStatementForFile).join("\n") + "\n";
        expect(() => pfRules(`PfAnchor "${c}"`, "rules", rulesText)).toThrow();
      });
      continue;
    }
    it(`${c}: PfAnchor accepts its rules`, () => {
      const r = parsePf(text, `${c}.conf`, opts);
      const rulesText = r.value.rules.filter((s) => s.kind !== "load-anchor").map(formatStatementForFile).join("\n") + "\n";
      expect(() => pfRules(`PfAnchor "${c}"`, "rules", rulesText)).not.toThrow();
      // with `set state-defaults` a written `keep state` stays (it takes no defaults); an anchor has no `set`, so there it
      // is the default again and pfctl keeps no trace of it
      const defaults = r.value.options.some((o) => o.kind === "state-defaults");
      const plain = (s: (typeof r.value.rules)[number]) => {
        if (!defaults || s.kind !== "filter" || s.action !== "pass" || s.state !== "keep" || s.stateOptions) return s;
        const { state: _, ...rest } = s;
        return rest;
      };
      expect(pfRules(`PfAnchor "${c}"`, "rules", rulesText)).toEqual(r.value.rules.filter((s) => s.kind !== "load-anchor").map(plain));
    });
  }
});
