import { describe, expect, it } from "vitest";
import { parseIfconfig } from "../../../sdk/model/output";

describe("parseIfconfig regressions found by fuzzing", () => {
  it("a carriage return inside a media: line neither throws nor loses the media (FUZZ_SEED=17, 38)", () => {
    const text = "em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> mtu 1500\n\tmedia: Ethernet au\rtoselect (1000baseT full-duplex)\n";
    const r = parseIfconfig(text);
    expect(r.value[0]!.media).toBe("Ethernet au\rtoselect");
    expect(r.value[0]!.mediaActive).toBe("1000baseT full-duplex");
  });
});
