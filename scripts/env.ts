// Prints `export K='V'` lines of the offline engine environment for shell scripts:
//   eval "$(npx tsx scripts/env.ts)"
import { engineEnv } from "../test/support/env";

const env = engineEnv({});
for (const [k, v] of Object.entries(env)) {
  if (k === "PATH") console.log(`export PATH='${v.replace(/:\/usr\/bin:\/bin$/, "")}':"$PATH"`);
  else console.log(`export ${k}='${v.replace(/'/g, "'\\''")}'`);
}
