/** The guides' texts the scenarios compare with (seeds/000, seeds/002, seeds/004), macros expanded. */
export const PSK = "204931646879ae1265a7d0437a51cc08fe8d7484";

/** seeds/000 "Creating the ipsec.conf(5) File", gateway 1 (the scraped text lost the line breaks after `\`). */
export const GW1_IPSEC = `ike esp from 172.16.0.0/24 to 192.168.15.0/24 \\
 peer 192.0.123.85 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk ${PSK}
`;
/** seeds/000, gateway 2. */
export const GW2_IPSEC = `ike esp from 192.168.15.0/24 to 172.16.0.0/24 \\
 peer 192.0.2.153 \\
 main auth hmac-sha2-256 enc blowfish \\
 quick auth hmac-sha2-384 enc blowfish \\
 psk ${PSK}
`;
/** seeds/000 "Allowing IPsec Traffic Through pf(4)" for a gateway with egress em1 and the given peer. */
export const peerRules = (peer: string) => `pass in on em1 proto udp from ${peer} \\
 to (em1) port { 500 4500 }
pass out on em1 proto udp from em1 \\
 to ${peer} port { 500 4500 }
pass in on em1 proto esp from ${peer} to (em1)
pass out on em1 proto esp from em1 to ${peer}
`;
/** The base ruleset every Gateway writes: OpenBSD's default (`block return`, `pass`) plus the anchor hook. */
export const PF_CONF = (skipEnc0: boolean) => `set skip on ${skipEnc0 ? "{ lo enc0 }" : "lo"}
block return
pass
anchor "vpn"
load anchor "vpn" from "/etc/pf.anchors/vpn"
`;
