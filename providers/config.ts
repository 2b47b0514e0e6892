/**
 * Provider configuration (`openbsd:*` stack config), set by the Configure RPC (providers/main.ts).
 *
 * - `openbsd:privateKey` (secret: `pulumi config set --secret openbsd:privateKey < key`): the OpenSSH
 *   private key used when a resource's inputs give none — an `import`, where the engine sends no inputs
 *   to the read, so the connection comes from the import id (see `parseImportId`) and this key.
 */
import { unwrap } from "./secrets";

export interface ProviderConfig {
  /** OpenSSH/PEM private key for imports; never logged. */
  privateKey?: string;
}

const config: ProviderConfig = {};

export function providerConfig(): Readonly<ProviderConfig> {
  return config;
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
