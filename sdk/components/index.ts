/** The typed components (Pulumi ComponentResources) of pulumi-openbsd. */
export { Gateway, type GatewayArgs, type ExternalArgs, type NatArgs, type InternalArgs, type ExtraInterfaceArgs, type ServiceArgs } from "./gateway";
export { SiteToSiteTunnel, type SiteToSiteTunnelArgs, type TunnelEndArgs, type PolicyArgs } from "./tunnel";
export { CarpPair, type CarpPairArgs, type CarpSegmentArgs, type CarpMemberArgs } from "./carp";
export { PfAnchor, type PfAnchorArgs } from "./anchor";
export { GifTunnel, type GifTunnelArgs, type GifEndArgs, type GifIpsecArgs } from "./gif";
export type { PhaseArgs } from "./common";
export type { ManualKeysArgs, TunnelNode } from "./nodes";
export { hold } from "./registry";
export { CertificateAuthority, type CertificateAuthorityArgs } from "./ca";
export { UserError, Refused, onUserError } from "./check";
export { WireGuardTunnel, WireGuardMesh, WireGuardHub, type WireGuardTunnelArgs, type WireGuardEndArgs, type WireGuardMeshArgs, type WireGuardMemberArgs, type WireGuardHubArgs } from "./wireguard";
export { SshTunnel, type SshTunnelArgs, type SshTunnelClientArgs, type SshTunnelServerArgs } from "./ssh-tunnel";
export { OpenVpnTunnel, type OpenVpnTunnelArgs, type OpenVpnEndArgs } from "./openvpn";
export { TincNetwork, type TincNetworkArgs, type TincMemberArgs } from "./tinc";
