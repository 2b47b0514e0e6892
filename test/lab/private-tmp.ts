/**
 * Each lab gateway's own /tmp: a tmpfs, mode 1777, as OpenBSD's /tmp is a file system of its own. The shell writes
 * each here-document there (the provider's read script has five), which on the machine's ext4 /tmp cost an inode
 * allocation and a journal entry each, and one gateway's /tmp files are never another lab's or the machine's.
 *
 * The lab's own files stay where the gateway looks for them when they live under the machine's /tmp (a checkout
 * cloned to /tmp/c, as CI does; Node under it): each top-level directory of /tmp holding one of `keep` is carried
 * over into the new /tmp (held under the gateway's private /run while the tmpfs is mounted). Lines for the gateway's
 * setup script, after its private /run is mounted.
 */
import { existsSync, realpathSync } from "node:fs";
import { resolve } from "node:path";

export function privateTmpLines(keep: readonly string[]): string[] {
  const real = keep.map((p) => (existsSync(p) ? realpathSync(p) : resolve(p)));
  // a lab kept in /tmp itself cannot be carried over into a /tmp of its own: the gateway shares the machine's then
  if (real.some((p) => p === "/tmp")) return [];
  const tops = [...new Set(real.filter((p) => p.startsWith("/tmp/")).map((p) => `/tmp/${p.slice(5).split("/")[0]}`))];
  return [
    ...tops.map((t, i) => `mkdir -p /run/.keep-tmp${i} && mount --rbind ${t} /run/.keep-tmp${i}`),
    "mount -t tmpfs -o mode=1777,size=256m tmpfs /tmp",
    ...tops.map((t, i) => `mkdir -p ${t} && mount --move /run/.keep-tmp${i} ${t} && rmdir /run/.keep-tmp${i}`),
  ];
}
