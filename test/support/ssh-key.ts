/**
 * A throwaway SSH private key for tests that pass a connection through the provider's Check (which parses the key
 * with ssh2, providers/transport/private-key.ts): generated per test process, never a real host's key.
 */
import ssh2 from "ssh2";

/** An unencrypted ed25519 private key in OpenSSH's format. */
export const TEST_PRIVATE_KEY: string = ssh2.utils.generateKeyPairSync("ed25519").private;
