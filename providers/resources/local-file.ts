/**
 * `openbsd:index:LocalFile` — the skeleton resource of issue 3: a file on the machine running the
 * engine. It proves the whole provider path (check, detailed diff, create, update, read on refresh,
 * delete, import, secrets staying secret) and is kept as the smallest example of a resource.
 */
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ResourceProvider } from "./types";
import { isSecret, secret, unwrap } from "../secrets";
import { isUnknown } from "../unknowns";

interface LocalFileInputs {
  /** Absolute path of the file. Changing it replaces the resource. */
  path: string;
  /** Content; may be a secret. */
  content: string;
}

function plain(v: unknown): LocalFileInputs {
  return unwrap<LocalFileInputs>(v);
}

export const localFile: ResourceProvider = {
  async check(_urn, _olds, news) {
    const failures: { property: string; reason: string }[] = [];
    const n = plain(news);
    // a path not known yet (preview) is checked at up (providers/unknowns.ts)
    if (!isUnknown(n.path) && (typeof n.path !== "string" || !path.isAbsolute(n.path))) {
      failures.push({ property: "path", reason: `path: \`${String(n.path)}\` is not an absolute path; give a path starting with /` });
    }
    if (typeof n.content !== "string") failures.push({ property: "content", reason: "content: must be a string" });
    return { inputs: news, failures };
  },
  async diff(_id, _urn, olds, news) {
    const o = plain(olds);
    const n = plain(news);
    const detailedDiff: Record<string, { kind: "update" | "update-replace" }> = {};
    // an unknown new value (preview) is a string unequal to any known one: a change
    if (o.path !== n.path) detailedDiff["path"] = { kind: "update-replace" };
    if (o.content !== n.content) detailedDiff["content"] = { kind: "update" };
    const keys = Object.keys(detailedDiff);
    return { changes: keys.length > 0, replaces: o.path !== n.path ? ["path"] : [], detailedDiff };
  },
  async create(_urn, inputs) {
    const n = plain(inputs);
    await fs.writeFile(n.path, n.content, { mode: 0o600 });
    return { id: n.path, outs: inputs };
  },
  async read(id, _urn, props) {
    let content: string;
    try {
      content = await fs.readFile(id, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { id: "", props: {} }; // gone: the engine drops it
      throw e;
    }
    const wasSecret = props ? isSecret(props.content) : false;
    const outs = { path: id, content: wasSecret ? secret(content) : content };
    return { id, props: outs, inputs: outs };
  },
  async update(_id, _urn, _olds, news) {
    const n = plain(news);
    await fs.writeFile(n.path, n.content, { mode: 0o600 });
    return { outs: news };
  },
  async delete(id) {
    await fs.rm(id, { force: true });
  },
};
