/**
 * TEST DOUBLE — OpenBSD sha256(1) emulated for the pulumi-openbsd lab: `sha256 FILE…` prints
 * `SHA256 (FILE) = hex`, `-q` prints the digest only, no argument hashes stdin.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { argPath, type Command } from "../command";

const sha256: Command = async (io) => {
  let quiet = false;
  const files: string[] = [];
  for (const a of io.argv) {
    if (a === "-q") quiet = true;
    else if (a === "-r") quiet = false;
    else files.push(a);
  }
  if (!files.length) {
    io.out(createHash("sha256").update(await io.stdin()).digest("hex") + "\n");
    return 0;
  }
  let status = 0;
  for (const f of files) {
    try {
      const h = createHash("sha256").update(await readFile(argPath(io, f))).digest("hex");
      io.out(quiet ? `${h}\n` : `SHA256 (${f}) = ${h}\n`);
    } catch (e) {
      io.err(`sha256: ${f}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : (e as Error).message}\n`);
      status = 1;
    }
  }
  return status;
};

export default sha256;
