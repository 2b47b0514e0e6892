// Test helper: bring up a lab owned by this process, print its record path, and exit WITHOUT labDown, leaving a
// stale lab (owner gone, sshds still running) for the next labUp to collect. `node --import tsx up-and-exit.ts TOPOLOGY PREFIX`
import { labUp } from "../api";

const lab = await labUp(process.argv[2]!, { prefix: process.argv[3]!, quiet: true });
process.stdout.write(lab.stateFile + "\n");
