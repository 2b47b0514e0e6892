import { readFileSync } from "node:fs";
import { goldenInterfaces, sandbox } from "./test/unit/emu/harness";
const [dir, name] = process.argv.slice(2);
const sb = await sandbox();
await sb.setInterfaces(goldenInterfaces());
await sb.write(`${name}.conf`, readFileSync(`${dir}/${name}.conf`, "utf8"));
for (const a of [["-nv"], ["-o", "none", "-nv"]]) console.log(JSON.stringify(await sb.run("pfctl", [...a, "-f", `${name}.conf`])));
await sb.done();
