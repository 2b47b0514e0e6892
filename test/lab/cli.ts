/**
 * `npm run lab:up -- <topology> [--prefix P]`, `npm run lab:down [-- ID]`, `npx tsx test/lab/cli.ts reboot ID GW`,
 * `npx tsx test/lab/cli.ts exec ID GW 'cmd'`, `npx tsx test/lab/cli.ts ls`.
 */
import { labDown, labExec, labList, labReboot, labUp, type Lab } from "./api";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

async function loadLab(id: string): Promise<Lab> {
  return JSON.parse(await readFile(join(import.meta.dirname, "../../.state/lab", `${id}.json`), "utf8")) as Lab;
}

const [verb, ...args] = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
switch (verb) {
  case "up": {
    const prefix = opt("--prefix");
    const lab = await labUp(args[0] ?? "site-to-site", { prefix: prefix ?? "obl", cli: true });
    for (const g of Object.values(lab.gateways)) {
      process.stdout.write(`${g.name}\tssh -i ${g.privateKeyPath} -o StrictHostKeyChecking=no root@${g.host}\t${g.hostKey}\n`);
    }
    process.stdout.write(`state: ${lab.stateFile}\n`);
    break;
  }
  case "down":
    await labDown(args[0]);
    break;
  case "reboot":
    await labReboot(await loadLab(args[0]!), args[1]!);
    break;
  case "exec": {
    const r = await labExec(await loadLab(args[0]!), args[1]!, args.slice(2).join(" "));
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.code;
    break;
  }
  case "ls":
    for (const id of await labList()) process.stdout.write(id + "\n");
    break;
  default:
    process.stderr.write("usage: cli.ts up TOPOLOGY [--prefix P] | down [ID] | reboot ID GW | exec ID GW CMD | ls\n");
    process.exitCode = 2;
}
