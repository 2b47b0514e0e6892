#!/usr/bin/python3
# TEST DOUBLE helper of the pulumi-openbsd lab. This Linux kernel has no ipip/sit/gre modules, so the tunnel
# interfaces of the emulated OpenBSD are carried by this userspace encapsulator: a tun/tap device NAME <-> raw IP
# sockets, with the wire formats of the real protocols:
#   gif:     IPv4 inner -> IP protocol 4, IPv6 inner -> IP protocol 41 (IPv4 or IPv6 outer header)
#   gre:     IP protocol 47, 4-byte GRE header (8 with a key = vnetid), RFC 2784/2890
#   etherip: IP protocol 97, 2-byte header 0x3000 then the Ethernet frame (RFC 3378); tap device
#   eoip:    IP protocol 47, GRE 0x2001/0x6400, payload length, tunnel id (little endian); tap device
# Input is dropped, as OpenBSD does, unless the gating sysctl (net.inet.gre.allow for gre/eoip,
# net.inet.etherip.allow for etherip) is 1 in the gateway's /var/emu/sysctl.json. gif is not gated.
# usage: gifd.py NAME gif|gre|etherip|eoip LOCAL REMOTE [KEY|none]
import fcntl, json, os, select, socket, struct, sys

name, kind, local, remote = sys.argv[1:5]
key = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[5] != "none" else None
tap = kind in ("etherip", "eoip")
gate = {"gre": "net.inet.gre.allow", "eoip": "net.inet.gre.allow", "etherip": "net.inet.etherip.allow"}.get(kind)
SYSCTL = "/var/emu/sysctl.json"

def allowed():
    if gate is None:
        return True
    try:
        with open(SYSCTL) as f:
            return json.load(f).get("values", {}).get(gate, "0") == "1"
    except (OSError, ValueError):
        return False

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), (0x0002 if tap else 0x0001) | 0x1000))  # TUNSETIFF
v6 = ":" in remote
fam = socket.AF_INET6 if v6 else socket.AF_INET
protos = {"gif": [4, 41], "gre": [47], "eoip": [47], "etherip": [97]}[kind]
socks = {}
for p in protos:
    s = socket.socket(fam, socket.SOCK_RAW, p)
    s.bind((local, 0))
    socks[p] = s
bysock = {s.fileno(): (p, s) for p, s in socks.items()}
# tell the emulator the tunnel carries packets now (its ifconfig returns only then, as the kernel's would)
try:
    os.write(1, b"ready\n")
    os.close(1)
except OSError:
    pass
dst = (remote, 0, 0, 0) if v6 else (remote, 0)

def encap(pkt):
    if kind == "gif":
        return (4 if pkt[0] >> 4 == 4 else 41), pkt
    if kind == "gre":
        etype = 0x0800 if pkt[0] >> 4 == 4 else 0x86DD
        hdr = struct.pack("!HH", 0x2000 if key is not None else 0, etype) + (struct.pack("!I", key) if key is not None else b"")
        return 47, hdr + pkt
    if kind == "etherip":
        return 97, b"\x30\x00" + pkt
    return 47, struct.pack("!HHH", 0x2001, 0x6400, len(pkt)) + struct.pack("<H", key or 0) + pkt

def decap(p, data):
    if kind == "gif":
        return data
    if kind == "etherip":
        return data[2:] if data[:1] == b"\x30" else None
    flags, proto = struct.unpack("!HH", data[:4])
    if kind == "eoip":
        if proto != 0x6400 or struct.unpack("<H", data[6:8])[0] != (key or 0):
            return None
        return data[8:]
    if proto not in (0x0800, 0x86DD):
        return None
    off = 4 + (4 if flags & 0x8000 else 0)
    if flags & 0x2000:
        if key is None or struct.unpack("!I", data[off:off + 4])[0] != key:
            return None
        off += 4
    elif key is not None:
        return None
    return data[off + (4 if flags & 0x1000 else 0):]

while True:
    r, _, _ = select.select([fd] + list(bysock), [], [])
    for f in r:
        if f == fd:
            pkt = os.read(fd, 65535)
            if pkt:
                p, out = encap(pkt)
                socks[p].sendto(out, dst)
        else:
            p, s = bysock[f]
            data, addr = s.recvfrom(65535)
            if addr[0] != remote:
                continue
            if not v6:
                data = data[(data[0] & 15) * 4:]
            inner = decap(p, data)
            if inner and allowed():
                os.write(fd, inner)
