/**
 * test/lab/private-tmp.ts: each gateway's own /tmp, with the lab's files carried over when they live under the
 * machine's /tmp (CI clones the checkout to /tmp/c: a /tmp mounted over it hid the emulator, Node and the lab's
 * roots, and no lab came up).
 */
import { describe, expect, it } from "vitest";
import { privateTmpLines } from "../../../test/lab/private-tmp";

const MOUNT = "mount -t tmpfs -o mode=1777,size=256m tmpfs /tmp";

describe("a gateway's own /tmp", () => {
  it("is a tmpfs of its own when nothing of the lab lives under /tmp", () => {
    expect(privateTmpLines(["/work/main", "/work/main/.state/lab", "/usr/bin/node"])).toEqual([MOUNT]);
  });
  it("carries over each top-level /tmp directory holding the checkout, the lab state or Node, once", () => {
    expect(privateTmpLines(["/tmp/c-pob-none", "/tmp/c-pob-none/.state/lab", "/tmp/c-pob-none/.tools/node22/bin/node", "/tmp/n-pob-none/bin/node"])).toEqual([
      "mkdir -p /run/.keep-tmp0 && mount --rbind /tmp/c-pob-none /run/.keep-tmp0",
      "mkdir -p /run/.keep-tmp1 && mount --rbind /tmp/n-pob-none /run/.keep-tmp1",
      MOUNT,
      "mkdir -p /tmp/c-pob-none && mount --move /run/.keep-tmp0 /tmp/c-pob-none && rmdir /run/.keep-tmp0",
      "mkdir -p /tmp/n-pob-none && mount --move /run/.keep-tmp1 /tmp/n-pob-none && rmdir /run/.keep-tmp1",
    ]);
  });
  it("is the machine's /tmp when the lab lives in /tmp itself", () => {
    expect(privateTmpLines(["/tmp", "/tmp/.state/lab"])).toEqual([]);
  });
});
