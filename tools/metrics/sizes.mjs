#!/usr/bin/env node
// Size check for issue 14: source files over 500 lines and functions over 100 lines in sdk/ and providers/.
// Usage: node tools/metrics/sizes.mjs [--files N] [--functions N] [dirs...]
// Uses the TypeScript compiler API: every function-like node (declaration, method, arrow, function expression)
// is measured from its first to its last line.
import ts from "typescript";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const args = process.argv.slice(2);
let fileMax = 500, fnMax = 100;
const dirs = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === "--files") fileMax = Number(args[++i]);
    else if (args[i] === "--functions") fnMax = Number(args[++i]);
    else dirs.push(args[i]);
}
if (dirs.length === 0) dirs.push("sdk", "providers");

function* walk(dir) {
    for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (name === "node_modules" || name === "dist" || name === "bin") continue;
        if (statSync(p).isDirectory()) yield* walk(p);
        else if (/\.(ts|mts)$/.test(name) && !/\.test\.ts$/.test(name) && !name.endsWith(".d.ts")) yield p;
    }
}

const bigFiles = [], bigFns = [];
for (const dir of dirs) for (const file of walk(dir)) {
    const text = readFileSync(file, "utf8");
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    if (lines > fileMax) bigFiles.push([lines, file]);
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
        if (ts.isFunctionLike(node) && node.body) {
            const a = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
            const b = sf.getLineAndCharacterOfPosition(node.end).line;
            const n = b - a + 1;
            if (n > fnMax) {
                let name = node.name ? node.name.getText(sf) : "";
                if (!name && ts.isVariableDeclaration(node.parent)) name = node.parent.name.getText(sf);
                if (!name && ts.isPropertyAssignment(node.parent)) name = node.parent.name.getText(sf);
                bigFns.push([n, `${relative(".", file)}:${a + 1} ${name || "(anonymous)"}`]);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
}
bigFiles.sort((x, y) => y[0] - x[0]);
bigFns.sort((x, y) => y[0] - x[0]);
console.log(`files over ${fileMax} lines: ${bigFiles.length}`);
for (const [n, f] of bigFiles) console.log(`  ${String(n).padStart(5)} ${f}`);
console.log(`functions over ${fnMax} lines: ${bigFns.length}`);
for (const [n, f] of bigFns) console.log(`  ${String(n).padStart(5)} ${f}`);
process.exitCode = bigFiles.length + bigFns.length > 0 ? 1 : 0;
