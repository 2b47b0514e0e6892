/**
 * Provider configuration (`openbsd:*` stack config), checked by the CheckConfig RPC and set by the Configure
 * RPC (providers/main.ts, providers/sdk-compat.ts).
 *
 * - `openbsd:privateKey` (secret: `pulumi config set --secret openbsd:privateKey < key`): the OpenSSH
 *   private key used when a resource's inputs give none — an `import`, where the engine sends no inputs
 *   to the read, so the connection comes from the import id (see `parseImportId`) and this key. Set
 *   without `--secret`, it is still stored as a secret: {@link checkProviderConfig} marks it so.
 */
import { isSecret, secret, unwrap } from "./secrets";

/** The configuration variables, as the package schema declares them (providers/schema.ts). */
export const CONFIG_VARIABLES = {
  privateKey: { type: "string", secret: true, description: "Default SSH private key." },
} as const;

export interface ProviderConfig {
  /** OpenSSH/PEM private key for imports; never logged. */
  privateKey?: string;
}

const config: ProviderConfig = {};

export function providerConfig(): Readonly<ProviderConfig> {
  return config;
}

/**
 * The provider's inputs from a CheckConfig request's `news`: as given, with each variable the schema
 * declares `secret` wrapped as a Pulumi secret, so the engine stores it encrypted in the state however
 * the stack's configuration holds it (the engine applies the schema's `secret` only through this RPC).
 */
export function checkProviderConfig(news: Record<string, unknown>): Record<string, unknown> {
  const out = { ...news };
  for (const [k, v] of Object.entries(CONFIG_VARIABLES)) if (v.secret && out[k] !== undefined && out[k] !== null && !isSecret(out[k])) out[k] = secret(out[k]);
  return out;
}

/**
 * Records the provider configuration from a Configure request: `args` (structured, secrets wrapped)
 * first, else the legacy `variables` map (`openbsd:config:privateKey` → plaintext).
 */
export function setProviderConfig(args: Record<string, unknown> | undefined, variables: Record<string, string>): void {
  const a = unwrap<Record<string, unknown>>(args ?? {});
  const key = a.privateKey ?? variables["openbsd:config:privateKey"] ?? variables["openbsd:privateKey"];
  if (typeof key === "string" && key !== "") config.privateKey = key;
  else delete config.privateKey;
}
