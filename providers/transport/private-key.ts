/**
 * The SSH private key a GatewayConfig signs in with (`connection.privateKey`), checked by the provider's Check —
 * before any connection — with ssh2's own key parser, the one the connection will use. Each refusal says what the
 * value looks like and how to give a usable key; none shows the value.
 */
import ssh2 from "ssh2";
import { PRIVATE_KEY } from "../../sdk/model/tokens/refusal";

const ENCRYPTED =
  "is encrypted with a passphrase (value not shown); the provider cannot ask for it: give an unencrypted key, kept as a Pulumi secret (`ssh-keygen -p -N '' -f COPY` on a copy of the file)";
const FIX = "give the key file's contents, e.g. `pulumi config set --secret sshKey < PATH_TO_KEY`";

/** Why `key` cannot sign in to a gateway (never quoting it), or undefined when ssh2 can use it. */
export function privateKeyProblem(key: unknown): string | undefined {
  if (typeof key !== "string" || key.trim() === "") return `missing (value not shown); ${FIX}`;
  const k = key.trim();
  if (!k.includes("\n") && /^(~|\.{0,2}\/|[A-Za-z]:\\)/.test(k)) return `looks like a file path, not a key (value not shown); ${FIX}`;
  if (/^(ssh-|ecdsa-sha2-|sk-)[a-z0-9@.-]+ AAAA/.test(k)) return `is a public key, not a private one (value not shown); ${FIX}`;
  if (!PRIVATE_KEY.test(k)) return `is not an OpenSSH/PEM private key (value not shown); ${FIX}`;
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(k)) return ENCRYPTED;
  if (/-----BEGIN PRIVATE KEY-----/.test(k))
    return "is a PKCS#8 key, a format ssh2 cannot sign with (value not shown); convert a copy to OpenSSH's format: `ssh-keygen -p -N '' -f COPY`";
  const parsed = ssh2.utils.parseKey(k);
  const err = Array.isArray(parsed) ? undefined : parsed instanceof Error ? parsed : undefined;
  if (!err) return undefined;
  if (/passphrase|encrypted/i.test(err.message)) return ENCRYPTED;
  const shape = lineProblem(k);
  if (shape) return `${shape} (value not shown); ${FIX}`;
  return `cannot be read as a private key: ${err.message} (value not shown); ${FIX}`;
}

/**
 * What is wrong with the key's lines when ssh2 cannot read it, for the three ways a key is usually mangled on its way
 * into a config or a CI variable: escaped line breaks, line breaks lost, or lines indented.
 */
function lineProblem(k: string): string | undefined {
  if (!k.includes("\n") && k.includes("\\n")) return "has the two characters `\\n` where its line breaks should be (an escaped string), so it cannot be read";
  if (!k.includes("\n")) return "is on one line: its line breaks were lost (e.g. pasted into a one-line field), so it cannot be read";
  if (k.split("\n").slice(1).some((l) => /^[ \t]/.test(l))) return "has indented lines (e.g. copied from a YAML or JSON block), so it cannot be read";
  return undefined;
}
