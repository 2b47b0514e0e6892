/**
 * Entry point of the `pulumi-resource-openbsd` plugin (see bin/pulumi-resource-openbsd).
 *
 * Served by `@pulumi/pulumi/provider`'s `main()` (ARCHITECTURE.md D1), with four RPC handlers checked or replaced
 * by providers/sdk-compat.ts. Upstream evidence, `provider/server.js` of the npm package (byte-identical in
 * 3.248.0 and 3.276.0, the newest 3.x on 2026-12-04; line numbers are the same in both):
 *
 * - Diff (server.js 189-215): sets `changes`, `replaces` and `deleteBeforeReplace` only; nothing in server.js
 *   calls `setHasdetaileddiff`/`getDetaileddiffMap`, and `DiffResult` (provider/provider.d.ts 35-54) has no
 *   `detailedDiff` field. The engine then shows a whole-resource update instead of per-item changes such as
 *   `files["/etc/ipsec.conf"]`. KEPT: our Diff sends the detailed diff — used only while the probe finds the
 *   SDK dropping it.
 * - Read (server.js 239-260): `const props = req.getProperties().toJavaScript();` (line 244) throws
 *   `TypeError: Cannot read properties of undefined` when the engine sends no properties, which it does for
 *   an import; it also never passes `req.getInputs()` on. KEPT: our Read accepts an import and passes the
 *   inputs — used only while the probe finds the SDK crashing or not passing them.
 * - CheckConfig (server.js 108-113): answers UNIMPLEMENTED, and the `Provider` interface has no hook for it; the
 *   engine then stores the provider's configuration as the stack holds it, so `openbsd:privateKey` set without
 *   `--secret` would be plaintext in the state (the schema's `secret: true` acts only through this RPC). KEPT
 *   unconditionally: ours returns the configuration with each secret variable wrapped (providers/config.ts).
 * - Configure (server.js 120-126): answers `acceptSecrets/acceptResources/acceptOutputs` and drops the
 *   configuration; the `Provider` interface has no configure hook. KEPT unconditionally: ours records
 *   `openbsd:privateKey` (providers/config.ts) first, which an import needs.
 *
 * Nothing was dropped: upstream fixed neither. The probe (sdkCompatChoice) decides per process, so an SDK that
 * fixes Diff or Read gets its own handler back without a change here. Everything else is the SDK's server.
 */
import * as provider from "@pulumi/pulumi/provider";
import { PROVIDER_VERSION, resourceFor } from "./provider";
import { checkProviderConfig, setProviderConfig } from "./config";
import { installSdkCompat, sdkCompatChoice } from "./sdk-compat";
import { sdkRequire } from "./sdk-require";
import { connectEngine, engineAddress } from "./engine-log";
import { packageSchema } from "./schema";

installSdkCompat(resourceFor, { check: checkProviderConfig, record: setProviderConfig as (args: unknown, vars: Record<string, string>) => void });

const impl: provider.Provider = {
  version: PROVIDER_VERSION,
  // the engine loads it to generate code for `pulumi import`
  getSchema: () => Promise.resolve(packageSchema()),
  check: (urn, olds, news) => resourceFor(urn).check?.(urn, olds, news) ?? Promise.resolve({ inputs: news }),
  // used by the SDK's own Diff handler once it forwards detailed diffs (see above); ours calls resourceFor directly
  diff: (id, urn, olds, news) => resourceFor(urn).diff?.(id, urn, olds, news) ?? Promise.resolve({}),
  create: (urn, inputs) => resourceFor(urn).create(urn, inputs),
  read: (id, urn, props) => resourceFor(urn).read?.(id, urn, props) ?? Promise.resolve({ id, props }),
  update: (id, urn, olds, news) => resourceFor(urn).update?.(id, urn, olds, news) ?? Promise.resolve({ outs: news }),
  delete: (id, urn, props) => resourceFor(urn).delete?.(id, urn, props) ?? Promise.resolve(),
};

connectEngine(engineAddress(process.argv.slice(2)), sdkRequire);
provider
  .main(impl, process.argv.slice(2))
  .then(() => sdkCompatChoice())
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
