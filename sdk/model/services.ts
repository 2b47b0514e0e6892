/**
 * OpenBSD's /etc/services (v1.107) as the parsers of pfctl, ipsecctl and iked see it through getservbyname(3) and
 * getservbyport(3): `NAME PORT/PROTO [ALIAS…]` per line, in the file's order. The tools resolve `port NAME` with
 * getservbyname(NAME, "tcp"), else (NAME, "udp"); ipsecctl prints a flow's port with getservbyport(PORT, PROTO),
 * whose answer is the first entry of that port and protocol.
 */
const TABLE = `
tcpmux 1/tcp
echo 7/tcp
echo 7/udp
discard 9/tcp sink null
discard 9/udp sink null
systat 11/tcp users
daytime 13/tcp
daytime 13/udp
netstat 15/tcp
qotd 17/tcp quote
msp 18/tcp
msp 18/udp
chargen 19/tcp ttytst source
chargen 19/udp ttytst source
ftp-data 20/tcp
ftp 21/tcp
ssh 22/tcp
ssh 22/udp
telnet 23/tcp
smtp 25/tcp mail
time 37/tcp timserver
time 37/udp timserver
rlp 39/udp resource
nameserver 42/tcp name
whois 43/tcp nicname
tacacs 49/tcp tacas+
tacacs 49/udp tacas+
domain 53/tcp
domain 53/udp
mtp 57/tcp
bootps 67/tcp
bootps 67/udp
bootpc 68/tcp
bootpc 68/udp
tftp 69/udp
gopher 70/tcp
gopher 70/udp
rje 77/tcp netrjs
finger 79/tcp
www 80/tcp http
www 80/udp
link 87/tcp ttylink
kerberos 88/udp kerberos-sec
kerberos 88/tcp kerberos-sec
supdup 95/tcp
hostnames 101/tcp hostname
iso-tsap 102/tcp tsap
x400 103/tcp
x400-snd 104/tcp
csnet-ns 105/tcp cso-ns
csnet-ns 105/udp cso-ns
rtelnet 107/tcp
rtelnet 107/udp
pop3 110/tcp
sunrpc 111/tcp portmap rpcbind
sunrpc 111/udp portmap rpcbind
auth 113/tcp authentication tap ident
sftp 115/tcp
uucp-path 117/tcp
nntp 119/tcp readnews untp
ntp 123/tcp
ntp 123/udp
pwdgen 129/tcp
pwdgen 129/udp
epmap 135/tcp
epmap 135/udp
netbios-ns 137/tcp
netbios-ns 137/udp
netbios-dgm 138/tcp
netbios-dgm 138/udp
netbios-ssn 139/tcp
netbios-ssn 139/udp
imap 143/tcp imap2
bftp 152/tcp
snmp 161/udp
snmp-trap 162/udp snmptrap
cmip-man 163/tcp
cmip-man 163/udp
cmip-agent 164/tcp
cmip-agent 164/udp
xdmcp 177/tcp
xdmcp 177/udp
nextstep 178/tcp NeXTStep NextStep
nextstep 178/udp NeXTStep NextStep
bgp 179/tcp
prospero 191/tcp
prospero 191/udp
irc 194/tcp
smux 199/tcp
smux 199/udp
at-rtmp 201/tcp
at-rtmp 201/udp
at-nbp 202/tcp
at-nbp 202/udp
at-echo 204/tcp
at-echo 204/udp
at-zis 206/tcp
at-zis 206/udp
z3950 210/tcp wais
z3950 210/udp wais
ipx 213/tcp
ipx 213/udp
rpki-rtr 323/tcp
ulistserv 372/tcp
ulistserv 372/udp
ldap 389/tcp
ldap 389/udp
svrloc 427/tcp
svrloc 427/udp
nnsp 433/tcp usenet
https 443/tcp
https 443/udp
snpp 444/tcp
microsoft-ds 445/tcp
microsoft-ds 445/udp
kpasswd 464/tcp
kpasswd 464/udp
submissions 465/tcp smtps
photuris 468/tcp
photuris 468/udp
isakmp 500/udp
exec 512/tcp
biff 512/udp comsat
login 513/tcp
who 513/udp whod
shell 514/tcp cmd
syslog 514/udp
printer 515/tcp spooler
talk 517/udp
ntalk 518/udp
route 520/udp router routed
efs 521/tcp
timed 525/udp timeserver
tempo 526/tcp newdate
courier 530/tcp rpc
conference 531/tcp chat
netnews 532/tcp readnews
netwall 533/udp
uucp 540/tcp uucpd
klogin 543/tcp
kshell 544/tcp krcmd
ekshell 545/tcp
dhcpv6-client 546/udp
dhcpv6-server 547/udp
remotefs 556/tcp rfs_server rfs
afpovertcp 548/tcp
rtsp 554/tcp
rtsp 554/udp
submission 587/tcp msa
asf-rmcp 623/udp
ipp 631/tcp
ipp 631/udp
ldaps 636/tcp
ldaps 636/udp
ldp 646/tcp
ldp 646/udp
agentx 705/tcp
silc 706/tcp
kerberos-adm 749/tcp
kerberos-adm 749/udp
domain-s 853/tcp
domain-s 853/udp
rsync 873/tcp
imaps 993/tcp
pop3s 995/tcp spop3
socks 1080/tcp
kpop 1109/tcp
openvpn 1194/tcp
openvpn 1194/udp
ms-sql-s 1433/tcp Microsoft-SQL-Server
ms-sql-s 1433/udp Microsoft-SQL-Server
ms-sql-m 1434/tcp Microsoft-SQL-Monitor
ms-sql-m 1434/udp Microsoft-SQL-Monitor
ingreslock 1524/tcp
ingreslock 1524/udp
prospero-np 1525/tcp
prospero-np 1525/udp
sa-msg-port 1646/udp
l2tp 1701/udp
pptp 1723/tcp
pptp 1723/udp
radius 1812/udp
radacct 1813/udp radius-acct
ssdp 1900/tcp
ssdp 1900/udp
nfsd 2049/udp nfs
nfsd 2049/tcp nfs
eklogin 2105/tcp
rkinit 2108/tcp
kf 2110/tcp
kx 2111/tcp
kip 2112/tcp
kauth 2120/tcp
iprop 2121/tcp
cvspserver 2401/tcp
cvspserver 2401/udp
zebrasrv 2600/tcp
zebra 2601/tcp
ripd 2602/tcp
ripng 2603/tcp
ospfd 2604/tcp
bgpd 2605/tcp
ospf6d 2606/tcp
ospfapi 2607/tcp
isisd 2608/tcp
netplan 2983/tcp
eppc 3031/tcp
eppc 3031/udp
iscsi 3260/tcp
mysql 3306/tcp
rdp 3389/tcp
iapp 3517/tcp 802-11-iapp
iapp 3517/udp 802-11-iapp
daap 3689/tcp
daap 3689/udp
svn 3690/tcp
bfd-control 3784/udp
bfd-echo 3785/udp
sieve 4190/tcp
krb524 4444/tcp
krb524 4444/udp
ipsec-nat-t 4500/tcp ipsec-msft
ipsec-nat-t 4500/udp ipsec-msft
hylafax 4559/tcp
gre-in-udp 4754/udp
gre-udp-dtls 4755/udp
vxlan 4789/udp
rfe 5002/tcp
rfe 5002/udp
sip 5060/tcp
sip 5060/udp
xmpp-client 5222/tcp
xmpp-server 5269/tcp
xmpp-bosh 5280/tcp
presence 5298/tcp
presence 5298/udp
mdns 5353/tcp
mdns 5353/udp
mdnsresponder 5354/tcp
mdnsresponder 5354/udp
postgresql 5432/tcp
postgresql 5432/udp
matter 5540/tcp
matter 5540/udp
rfb 5900/tcp vnc
syslog-tls 6514/tcp
afs3-fileserver 7000/tcp
afs3-fileserver 7000/udp
afs3-callback 7001/tcp
afs3-callback 7001/udp
afs3-prserver 7002/tcp
afs3-prserver 7002/udp
afs3-vlserver 7003/tcp
afs3-vlserver 7003/udp
afs3-kaserver 7004/tcp
afs3-kaserver 7004/udp
afs3-volser 7005/tcp
afs3-volser 7005/udp
afs3-errors 7006/tcp
afs3-errors 7006/udp
afs3-bos 7007/tcp
afs3-bos 7007/udp
afs3-update 7008/tcp
afs3-update 7008/udp
afs3-rmtsys 7009/tcp
afs3-rmtsys 7009/udp
puppet 8140/tcp
matrix-fed 8448/tcp
ub-dns-control 8953/tcp
git 9418/tcp
git 9418/udp
zabbix-agent 10050/tcp
zabbix-agent 10050/udp
zabbix-trapper 10051/tcp
zabbix-trapper 10051/udp
amt-soap-http 16992/tcp
amt-soap-http 16992/udp
amt-soap-https 16993/tcp
amt-soap-https 16993/udp
amt-redir-tcp 16994/tcp
amt-redir-tcp 16994/udp
amt-redir-tls 16995/tcp
amt-redir-tls 16995/udp
openwebnet 20005/tcp xcept
openwebnet 20005/udp xcept
pop3pw 106/tcp poppassd
kerberos-iv 750/udp kdc
kerberos-iv 750/tcp kdc
kerberos_master 751/udp
kerberos_master 751/tcp
krb_prop 754/tcp hprop
krbupdate 760/tcp kreg
datametrics 1645/udp
ekshell2 2106/tcp
webster 2627/tcp
conserver 3109/tcp
canna 5680/tcp
sane-port 6566/tcp
icb 7326/tcp
spamd 8025/tcp
spamd-sync 8025/udp
spamd-cfg 8026/tcp
dhcpd-sync 8067/udp
hunt 26740/udp
rtmp 1/ddp
nbp 2/ddp
echo 4/ddp
zip 6/ddp
`;

/** By protocol: name or alias → port (the first entry wins), and port → name (the first entry of that port). */
let byName: Map<string, number> | undefined;
let byPort: Map<string, string> | undefined;
function load(): void {
  byName = new Map();
  byPort = new Map();
  for (const l of TABLE.trim().split("\n")) {
    const [name, pp, ...aliases] = l.split(" ");
    const [port, proto] = pp!.split("/");
    for (const n of [name!, ...aliases]) if (!byName.has(`${n}/${proto}`)) byName.set(`${n}/${proto}`, Number(port));
    if (!byPort.has(`${port}/${proto}`)) byPort.set(`${port}/${proto}`, name!);
  }
}

/** getservbyname(name, "tcp"), else getservbyname(name, "udp"): the port of a service name or alias, or undefined. */
export function servicePort(name: string): number | undefined {
  if (!byName) load();
  return byName!.get(`${name}/tcp`) ?? byName!.get(`${name}/udp`);
}

/** getservbyport(port, proto): the name of the first entry of that port and protocol, or undefined. */
export function serviceNameOf(port: number, proto: string): string | undefined {
  if (!byPort) load();
  return byPort!.get(`${port}/${proto}`);
}
