import { labDown, labUp } from "../api";
import { commit } from "../../../providers/gateway/commit";
import { gwState, targetOf } from "../../provider/fixtures";
const lab = await labUp("site-to-site", { prefix: "h5p", quiet: true });
try {
  for (let i = 0; i < 3; i++) {
    const t0 = Date.now();
    try {
      const r = await commit(targetOf(lab.gateways.gw1!), { news: gwState("gw1"), rollbackSeconds: 30 });
      console.log("ok", i, Date.now() - t0, JSON.stringify(r).slice(0, 200));
    } catch (e) { console.log("ERR", i, Date.now() - t0, (e as Error).message); }
  }
} finally { await labDown(lab); }
