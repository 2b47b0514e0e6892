/**
 * TEST DOUBLE helper — the keys and certificates an IKE daemon would authenticate with (isakmpd RSA_SIG,
 * iked public keys and certificates), read from a gateway's /etc, and the check two ends pass.
 *
 * What the real daemons do and this mirrors:
 * - isakmpd signs with /etc/isakmpd/private/local.key, which must be owned by root and readable by nobody
 *   else (`check_file_secrecy_fd`) and hold an RSA key (`PEM_read_RSAPrivateKey`); iked reads
 *   /etc/iked/private/local.key.
 * - raw public keys: the verifier reads `pubkeys/TYPE/ID` named after the ID the signer sent
 *   (`get_raw_key_from_file`); the signature verifies only with the signer's public key.
 * - X.509: the signer sends a certificate of its key from `certs/` whose subjectAltName holds its ID (IP
 *   address, DNS name or e-mail for IPV4/IPV6_ADDR, FQDN, USER_FQDN); the verifier accepts it when a CA
 *   certificate in its `ca/` directory issued and signed it and it is within its validity.
 * - what each daemon reads only when it starts (isakmpd's `x509_init`: ca/ and certs/; iked's ca process: also
 *   private/local.key) is taken from the snapshot made when the emulated daemon started
 *   ({@link snapshotAtStart}, kept in `/var/emu/NAME-x509.json` with the run's stamp); raw public keys and
 *   isakmpd's local.key are read from the files at each negotiation, as the real daemons do.
 * A peer's /etc is read where its root is on the host: beside its `/var/emu` (lab.json `stateDir`).
 * Limits: no CRLs, no chains longer than CA → end certificate; keys are compared, not used to sign.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** What one daemon's directory holds. */
export interface IkeKeys {
  /** SPKI (DER, base64) of the usable local.key; undefined when missing, unreadable to the daemon or not allowed. */
  local?: string;
  /** Why local.key is not usable (for logs), when it exists. */
  localProblem?: string;
  /** `ipv4/ADDR`, `fqdn/NAME`, … → SPKI (DER, base64). */
  pubkeys: Record<string, string>;
  /** CA certificates (`ca/*`). */
  cas: X509Certificate[];
  /** Certificates (`certs/*`). */
  certs: X509Certificate[];
}

const spki = (k: ReturnType<typeof createPublicKey>): string => k.export({ type: "spki", format: "der" }).toString("base64");

async function files(dir: string): Promise<[string, string][]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: [string, string][] = [];
  for (const n of names.sort()) {
    try {
      out.push([n, await readFile(join(dir, n), "utf8")]);
    } catch {
      // a directory or unreadable file: not a key
    }
  }
  return out;
}

function certsOf(list: [string, string][]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const [, text] of list) {
    try {
      out.push(new X509Certificate(text));
    } catch {
      // not a certificate: the daemon skips it
    }
  }
  return out;
}

/** What a daemon loaded when it started (`/var/emu/NAME-x509.json`). */
export interface StartSnapshot {
  /** `since` of the run that loaded it. */
  since: string;
  daemon: "isakmpd" | "iked";
  /** PEM texts of ca/ and certs/. */
  cas: string[];
  certs: string[];
  /** iked: the local key as loaded at start. */
  local?: string;
  localProblem?: string;
}

/** What `daemon` loads at start from `dir`: isakmpd its CA and certificates, iked also its local key. */
export async function snapshotAtStart(dir: string, daemon: "isakmpd" | "iked", since: string): Promise<StartSnapshot> {
  const snap: StartSnapshot = { since, daemon, cas: (await files(join(dir, "ca"))).map(([, t]) => t), certs: (await files(join(dir, "certs"))).map(([, t]) => t) };
  if (daemon === "iked") Object.assign(snap, await localKey(dir, false));
  return snap;
}

async function localKey(dir: string, rsaOnly: boolean): Promise<Pick<IkeKeys, "local" | "localProblem">> {
  const keyFile = join(dir, "private", "local.key");
  const keys: Pick<IkeKeys, "local" | "localProblem"> = {};
  try {
    const st = await stat(keyFile);
    const text = await readFile(keyFile, "utf8");
    if (st.uid !== 0 || (st.mode & 0o077) !== 0) keys.localProblem = `${keyFile}: must be owned by root and not readable by others (mode ${(st.mode & 0o777).toString(8)})`;
    else {
      const k = createPrivateKey(text);
      if (rsaOnly && k.asymmetricKeyType !== "rsa") keys.localProblem = `${keyFile}: not an RSA key`;
      else keys.local = spki(createPublicKey(k));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") keys.localProblem = `${keyFile}: ${(e as Error).message}`;
  }
  return keys;
}

/**
 * The keys under `dir` (`/etc/isakmpd` or `/etc/iked` of some gateway); `rsaOnly` for isakmpd. With `atStart`,
 * the CA and certificates (and iked's local key) are those the running daemon loaded when it started.
 */
export async function readIkeKeys(dir: string, rsaOnly: boolean, atStart?: StartSnapshot): Promise<IkeKeys> {
  const pems = (list: string[]): [string, string][] => list.map((t) => ["", t]);
  const keys: IkeKeys = {
    pubkeys: {},
    cas: certsOf(atStart ? pems(atStart.cas) : await files(join(dir, "ca"))),
    certs: certsOf(atStart ? pems(atStart.certs) : await files(join(dir, "certs"))),
  };
  // iked loads its key at start; isakmpd reads local.key at each negotiation
  const withKey = atStart?.daemon === "iked" ? atStart : await localKey(dir, rsaOnly);
  if (withKey.local !== undefined) keys.local = withKey.local;
  if (withKey.localProblem !== undefined) keys.localProblem = withKey.localProblem;
  for (const t of ["ipv4", "ipv6", "fqdn", "ufqdn"]) {
    for (const [n, text] of await files(join(dir, "pubkeys", t))) {
      try {
        keys.pubkeys[`${t}/${n}`] = spki(createPublicKey(text));
      } catch {
        // unreadable key: get_raw_key_from_file fails for that ID
      }
    }
  }
  return keys;
}

/** `IPV4_ADDR:192.0.2.1` (isakmpd ID section) → `ipv4/192.0.2.1`. */
export function idFileName(id: string): string | undefined {
  const i = id.indexOf(":");
  const type = id.slice(0, i);
  const v = id.slice(i + 1);
  const t = { IPV4_ADDR: "ipv4", IPV6_ADDR: "ipv6", FQDN: "fqdn", USER_FQDN: "ufqdn" }[type];
  return t === undefined ? undefined : `${t}/${v}`;
}

/** Does `cert` name the ID (`ipv4/ADDR`, `fqdn/NAME`, `ufqdn/USER@HOST`) in its subjectAltName? */
function certHolds(cert: X509Certificate, idName: string): boolean {
  const [t, v] = [idName.slice(0, idName.indexOf("/")), idName.slice(idName.indexOf("/") + 1)];
  const sans = (cert.subjectAltName ?? "").split(", ");
  if (t === "ipv4" || t === "ipv6") return sans.some((s) => s.toUpperCase() === `IP ADDRESS:${v}`.toUpperCase());
  if (t === "fqdn") return sans.includes(`DNS:${v}`);
  return sans.includes(`email:${v}`);
}

/**
 * Can `signer` (ID `idName`) authenticate to `verifier`? With a raw key: the verifier holds the signer's
 * public key under pubkeys/ID. With a certificate: the signer has one for its key naming the ID, issued by
 * a CA the verifier trusts, valid at `now`.
 */
export function authenticates(signer: IkeKeys, idName: string, verifier: IkeKeys, now = new Date()): "pubkey" | "x509" | undefined {
  if (signer.local === undefined) return undefined;
  const cert = signer.certs.find((c) => spki(c.publicKey) === signer.local && certHolds(c, idName));
  if (cert && new Date(cert.validFrom) <= now && now <= new Date(cert.validTo)) {
    if (verifier.cas.some((ca) => ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey))) return "x509";
  }
  if (verifier.pubkeys[idName] === signer.local) return "pubkey";
  return undefined;
}
