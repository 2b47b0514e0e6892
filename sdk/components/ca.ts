import * as pulumi from "@pulumi/pulumi";
import { CA_DEFAULTS, caCertificate, type CaSpec } from "../planner/x509";
import { argError } from "./common";
import { take, labelOf } from "./check";
import { keySeed } from "../model/tokens/index";

/** Arguments of {@link CertificateAuthority}. */
export interface CertificateAuthorityArgs {
  /**
   * Secret seed of the CA's 2048-bit RSA key (at least 16 characters; e.g. `openssl rand -hex 32`, kept with
   * `pulumi config set --secret`). The key is derived from it on every run (sdk/planner/rsakeys.ts): it is
   * never stored in the state nor installed on a gateway. Rotating the seed reissues every certificate.
   */
  keySeed: pulumi.Input<string>;
  /** The CA certificate's subject common name (`CN=`), 1–64 printable characters. Default: the resource name. */
  commonName?: string;
  /**
   * Start of validity of the CA certificate and of every certificate it issues, ISO 8601 UTC
   * (`2025-01-01T00:00:00Z`). Fixed, never the clock: the same program issues the same certificates, so
   * preview stays clean. Default `2025-01-01T00:00:00Z`.
   */
  notBefore?: string;
  /** End of validity, ISO 8601 UTC. Default `2045-01-01T00:00:00Z`: change it (and run `pulumi up`) to renew. */
  notAfter?: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * A certificate authority for X.509 IKE authentication (isakmpd(8) "X.509 AUTHENTICATION", seeds/003 FAQ
 * 13.9): pass it as a {@link SiteToSiteTunnel}'s `ca` with `auth: "x509"`. Each gateway of such a tunnel
 * gets the CA certificate in `/etc/isakmpd/ca/NAME.crt` (or `/etc/iked/ca/`), a certificate of its own RSA
 * key whose subjectAltName is the identity it presents (its address, or its `srcid` as DNS name or e-mail)
 * in `certs/ID.crt`, and that key in `private/local.key` (0600, secret). Everything is derived, never
 * random: see sdk/planner/x509.ts.
 */
export class CertificateAuthority extends pulumi.ComponentResource {
  /** The CA certificate (PEM): public, also installed on every gateway that uses it. */
  readonly certificate: pulumi.Output<string>;
  /** What the planner needs (a secret: it holds the key seed). */
  readonly spec: pulumi.Output<CaSpec>;

  constructor(name: string, args: CertificateAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openbsd:index:CertificateAuthority", name, {}, opts);
    const label = labelOf("CertificateAuthority", name);
    if (!args || typeof args !== "object") throw argError(label, "args", String(args), "no arguments", "pass `{ keySeed }`");
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
      throw argError(label, "name", name, "the name is the file name of the CA certificate on the gateways (ca/NAME.crt)", "use letters, digits and `_.-`, starting with a letter or digit");
    if (args.keySeed === undefined || args.keySeed === null) throw argError(label, "keySeed", "(none)", "required", "pass `keySeed: cfg.requireSecret(\"caSeed\")` (e.g. `openssl rand -hex 32`)");
    const commonName = args.commonName ?? name; // checked as it will be written (the planner applies the default)
    if (typeof commonName !== "string" || !/^[\x20-\x7e]{1,64}$/.test(commonName) || commonName.trim() !== commonName)
      throw argError(label, "commonName", String(commonName), "a common name is 1–64 printable ASCII characters without leading or trailing blanks", "write e.g. `VPN CA`");
    const notBefore = args.notBefore ?? CA_DEFAULTS.notBefore;
    const notAfter = args.notAfter ?? CA_DEFAULTS.notAfter;
    for (const [f, v] of [["notBefore", notBefore], ["notAfter", notAfter]] as const)
      if (typeof v !== "string" || !ISO.test(v) || Number.isNaN(Date.parse(v)) || new Date(v).toISOString().replace(".000Z", "Z") !== v)
        throw argError(label, f, String(v), "not an ISO 8601 UTC time", "write e.g. `2025-01-01T00:00:00Z`");
    if (Date.parse(notBefore) >= Date.parse(notAfter)) throw argError(label, "notBefore, notAfter", `${notBefore}, ${notAfter}`, "the validity ends before it starts", "give a notAfter later than notBefore");
    if (Date.parse(notAfter) <= Date.now()) throw argError(label, "notAfter", notAfter, "already past: isakmpd and iked would refuse every certificate this CA issues as expired", `give a notAfter in the future, e.g. \`${CA_DEFAULTS.notAfter}\``);
    this.spec = pulumi.secret(args.keySeed).apply((seed) => ({
      name, keySeed: take(label, "keySeed", seed, keySeed, { secret: true }),
      ...(args.commonName !== undefined ? { commonName } : {}),
      ...(args.notBefore !== undefined ? { notBefore } : {}),
      ...(args.notAfter !== undefined ? { notAfter } : {}),
    }));
    // a certificate is public: derived from the (secret) seed, it is deliberately not secret
    this.certificate = pulumi.unsecret(this.spec.apply(caCertificate));
    this.registerOutputs({ certificate: this.certificate });
  }
}
