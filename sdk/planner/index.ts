/** The planner: pure, from the declared topology to each gateway's desired {@link HostState}. */
export * from "./spec";
export * from "./docs";
export * from "./errors";
export { planTopology, VPN_ANCHOR, ANCHOR_DIR, type PlanOptions } from "./plan";
export { renderGateway, hostnameLines } from "./render";
export { deriveBytes, deriveHexKey, deriveSpi, deriveEcdsaKeyPair, ikedKeyPair, fingerprint, type PemKeyPair } from "./keys";
export { gatewaySecrets, secretsByGateway, sealSecrets, occurring, holdsSecrets, secretForms } from "./secrets";
export { tunnelIdentities, type EndIdentity, type TunnelIdentities } from "./identities";
export { planAndRender } from "./run";
export { planWireGuard, type WireGuardSpec, type WireGuardEndSpec } from "./wireguard";
export { deriveWgKeyPair, wgPublicKey, x25519PublicKey, type WgKeyPair } from "./wgkeys";
export { planSshTunnels, type SshTunnelSpec, type SshTunnelEndSpec } from "./ssh-tunnel";
export { deriveSshTunnelKey, sshPublicKeyOf, type SshKeyPair } from "./sshkeys";
export { renderSshdConfig, OPENBSD_SSHD_CONFIG, TUNNEL_KEYS_FILE } from "./sshd-config";
export { planOpenVpn, deriveOpenVpnKey, type OpenVpnSpec, type OpenVpnEndSpec } from "./openvpn";
export { planTinc, type TincSpec, type TincMemberSpec } from "./tinc";
export { deriveRsaKeyPair, gatewayRsaKeyPair, tincRsaKeyPair } from "./rsakeys";
export { needPackage, packageList } from "./packages";
