/**
 * OpenBSD's /etc/protocols (v1.25) as the parsers of pfctl, ipsecctl and iked see it through getprotobyname(3) and
 * getprotobynumber(3): `NAME NUMBER [ALIAS…]` per line, in the file's order. Names and aliases are matched
 * exactly (`TCP` is an alias, `Tcp` is nothing); a number prints as the first name the file gives it.
 */
const TABLE = `
ip 0 IP HOPOPT
icmp 1 ICMP
igmp 2 IGMP
ggp 3 GGP
ipencap 4 IP-ENCAP
st2 5 ST ST2
tcp 6 TCP
cbt 7 UCL CBT
egp 8 EGP
igp 9 IGP
bbn-rcc 10 BBN-RCC-MON
nvp 11 NVP-II
pup 12 PUP
argus 13 ARGUS
emcon 14 EMCON
xnet 15 XNET
chaos 16 CHAOS
udp 17 UDP
mux 18 MUX
dcn 19 DCN-MEAS
hmp 20 HMP
prm 21 PRM
xns-idp 22 XNS-IDP
trunk-1 23 TRUNK-1
trunk-2 24 TRUNK-2
leaf-1 25 LEAF-1
leaf-2 26 LEAF-2
rdp 27 RDP
irtp 28 IRTP
iso-tp4 29 ISO-TP4
netblt 30 NETBLT
mfe-nsp 31 MFE-NSP
merit-inp 32 MERIT-INP
dccp 33 SEP DCCP
3pc 34 3PC
idpr 35 IDPR
xtp 36 XTP
ddp 37 DDP
idpr-cmtp 38 IDPR-CMTP
tp++ 39 TP++
il 40 IL
ipv6 41 IPv6
sdrp 42 SDRP
ipv6-route 43 IPV6-ROUTE
ipv6-frag 44 IPV6-FRAG
idrp 45 IDRP
rsvp 46 RSVP
gre 47 GRE
dsr 48 DSR
bna 49 BNA
esp 50 IPSEC-ESP ESP
ah 51 IPSEC-AH AH
i-nlsp 52 I-NLSP
swipe 53 SWIPE
narp 54 NHRP NARP
mobile 55 MOBILEIP MOBILE
skip 57 SKIP
ipv6-icmp 58 IPV6-ICMP icmp6
ipv6-nonxt 59 IPV6-NONXT
ipv6-opts 60 IPV6-OPTS
any 61 any
cftp 62 CFTP
any 63 any
sat-expak 64 SAT-EXPAK
kryptolan 65 KRYPTOLAN
rvd 66 RVD
ippc 67 IPPC
any 68 any
sat-mon 69 SAT-MON
visa 70 VISA
ipcv 71 IPCV
cpnx 72 CPNX
cphb 73 CPHB
wsn 74 WSN
pvp 75 PVP
br-sat-mon 76 BR-SAT-MON
sun-nd 77 SUN-ND
wb-mon 78 WB-MON
wb-expak 79 WB-EXPAK
iso-ip 80 ISO-IP
vmtp 81 VMTP
secure-vmtp 82 SECURE-VMTP
vines 83 VINES
ttp 84 TTP
nsfnet-igp 85 NSFNET-IGP
dgp 86 DGP
tcf 87 TCF
igrp 88 IGRP EIGRP
ospf 89 OSPFIGP
sprite-rpc 90 Sprite-RPC
larp 91 LARP
mtp 92 MTP
ax.25 93 AX.25
ipip 94 IPIP
micp 95 MICP
scc-sp 96 SCC-SP
etherip 97 ETHERIP
encap 98 ENCAP
any 99 any
gmtp 100 GMTP
ifmp 101 IFMP
pnni 102 PNNI
pim 103 PIM
aris 104 ARIS
scps 105 SCPS
qnx 106 QNX
a/n 107 A/N
ipcomp 108 IPComp
snp 109 SNP
compaq-peer 110 Compaq-Peer
ipx-in-ip 111 IPX-in-IP
carp 112 CARP vrrp
pgm 113 PGM
l2tp 115 L2TP
ddx 116 DDX
iatp 117 IATP
stp 118 STP
srp 119 SRP
uti 120 UTI
smp 121 SMP
sm 122 SM
ptp 123 PTP
isis 124 ISIS
fire 125 FIRE
crtp 126 CRTP
crudp 127 CRUDP
sscopmce 128 SSCOPMCE
iplt 129 IPLT
sps 130 SPS
pipe 131 PIPE
sctp 132 SCTP
fc 133 FC
rsvp-e2e-ignore 134 RSVP-E2E-IGNORE
mobility-header 135 Mobility-Header
udplite 136 UDPLite
mpls-in-ip 137 MPLS-IN-IP
manet 138 MANET
hip 139 HIP
shim6 140 SHIM6
wesp 141 WESP
rohc 142 ROHC
pfsync 240 PFSYNC
reserved 255 Reserved
divert 258 DIVERT
`;

let byName: Map<string, number> | undefined;
let byNumber: Map<number, string> | undefined;
function load(): void {
  byName = new Map();
  byNumber = new Map();
  for (const l of TABLE.trim().split("\n")) {
    const [name, num, ...aliases] = l.split(" ");
    const n = Number(num);
    for (const a of [name!, ...aliases]) if (!byName.has(a)) byName.set(a, n);
    if (!byNumber.has(n)) byNumber.set(n, name!);
  }
}

/** getprotobyname(3): the number of a protocol name or alias, or undefined. */
export function protocolByName(name: string): number | undefined {
  if (!byName) load();
  return byName!.get(name);
}

/** getprotobynumber(3): the first name the file gives a protocol number, or undefined. */
export function protocolNameOf(num: number): string | undefined {
  if (!byNumber) load();
  return byNumber!.get(num);
}

/** The protocols' names, for error messages. */
export function protocolNames(): string[] {
  if (!byNumber) load();
  return [...byNumber!.values()];
}
