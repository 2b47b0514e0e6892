/** Unset optional connection fields arrive from the SDK as `null`: they mean the documented defaults. */
import { describe, expect, it } from "vitest";
import { gatewayConfig } from "../../../providers/resources/gateway-config";
import { unwrap } from "../../../providers/secrets";
import { gwState } from "../../provider/fixtures";
import { TEST_PRIVATE_KEY } from "../../support/ssh-key";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIDhPUN+SiwXu9uU3Y2TyQFMDg1phBcwnVILW7sslqXB";
const PK = TEST_PRIVATE_KEY;
const URN = "urn:pulumi:s::p::openbsd:index:GatewayConfig::gw1";
const withNulls = { host: "192.0.2.153", port: null, user: null, privateKey: PK, hostKey: KEY, insecureSkipHostKeyCheck: null };

describe("null connection fields", () => {
  it("check accepts null user, port and insecureSkipHostKeyCheck and drops them (root, 22, false)", async () => {
    const r = await gatewayConfig.check!(URN, {}, { connection: withNulls, state: gwState("gw1"), rollbackSeconds: null });
    expect(r.failures).toEqual([]);
    expect(unwrap<{ connection: unknown }>(r.inputs).connection).toEqual({ host: "192.0.2.153", privateKey: PK, hostKey: KEY });
    expect("rollbackSeconds" in (r.inputs as object)).toBe(false);
  });
  it("a null hostKey with a null insecureSkipHostKeyCheck is still refused", async () => {
    const r = await gatewayConfig.check!(URN, {}, { connection: { ...withNulls, hostKey: null }, state: gwState("gw1") });
    expect(r.failures?.map((f) => f.reason)).toEqual([
      "connection.hostKey: missing; pin the gateway's key (`ssh-keyscan -t ed25519 HOST`) or set insecureSkipHostKeyCheck: true (dangerous)",
    ]);
  });
  it("null and absent fields diff as equal", async () => {
    const d = await gatewayConfig.diff!("192.0.2.153", URN, { connection: { host: "192.0.2.153", privateKey: PK, hostKey: KEY }, state: gwState("gw1") }, { connection: withNulls, state: gwState("gw1") });
    expect(d.changes).toBe(false);
  });
});
