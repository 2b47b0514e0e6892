#!/usr/bin/python3
# TEST DOUBLE helper of the pulumi-openbsd lab: this Linux kernel has no ipip/sit/gre modules, so gif(4) and
# gre(4) tunnels are carried by this userspace encapsulator: a tun device NAME <-> raw IP sockets.
#   gif: IPv4 inner -> IP protocol 4 (ipencap), IPv6 inner -> IP protocol 41, over an IPv4 or IPv6 outer header.
#   gre: IP protocol 47 with a 4-byte GRE header (RFC 2784), or 8 bytes with a key (vnetid).
# usage: gifd.py NAME gif|gre LOCAL REMOTE [KEY]
import fcntl, os, select, socket, struct, sys

name, kind, local, remote = sys.argv[1:5]
key = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] != "none" else None
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))  # TUNSETIFF, IFF_TUN|IFF_NO_PI
v6 = ":" in remote
fam = socket.AF_INET6 if v6 else socket.AF_INET
protos = [47] if kind == "gre" else [4, 41]
socks = {}
for p in protos:
    s = socket.socket(fam, socket.SOCK_RAW, p)
    s.bind((local, 0))
    socks[p] = s
bysock = {s.fileno(): (p, s) for p, s in socks.items()}
dst = (remote, 0, 0, 0) if v6 else (remote, 0)
while True:
    r, _, _ = select.select([fd] + list(bysock), [], [])
    for f in r:
        if f == fd:
            pkt = os.read(fd, 65535)
            if not pkt:
                continue
            ver = pkt[0] >> 4
            if kind == "gre":
                etype = 0x0800 if ver == 4 else 0x86DD
                hdr = struct.pack("!HH", 0x2000 if key is not None else 0, etype) + (struct.pack("!I", key) if key is not None else b"")
                socks[47].sendto(hdr + pkt, dst)
            else:
                socks[4 if ver == 4 else 41].sendto(pkt, dst)
        else:
            p, s = bysock[f]
            data, addr = s.recvfrom(65535)
            if addr[0] != remote:
                continue
            if not v6:
                data = data[(data[0] & 15) * 4:]
            if p == 47:
                flags = struct.unpack("!H", data[:2])[0]
                off = 4 + (4 if flags & 0x8000 else 0) + (4 if flags & 0x2000 else 0) + (4 if flags & 0x1000 else 0)
                data = data[off:]
            if data:
                os.write(fd, data)
