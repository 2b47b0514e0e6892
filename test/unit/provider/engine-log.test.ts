import { describe, expect, it } from "vitest";
import { engineAddress, warnThroughEngine } from "../../../providers/engine-log";

describe("the engine's address among the plugin's arguments", () => {
  it("is the first argument that is no flag, as @pulumi/pulumi/provider reads it", () => {
    expect(engineAddress(["127.0.0.1:41234"])).toBe("127.0.0.1:41234");
    expect(engineAddress(["--logtostderr", "-v=9", "--tracing", "file:/tmp/trace", "127.0.0.1:41234"])).toBe("127.0.0.1:41234");
    expect(engineAddress(["--logtostderr"])).toBeUndefined();
  });
  it("without an engine a warning is left to the plugin's stderr", () => {
    expect(warnThroughEngine("x")).toBe(false);
  });
});
