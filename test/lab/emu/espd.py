#!/usr/bin/python3
# TEST DOUBLE helper of the pulumi-openbsd lab: the data path of a NAT-T IPsec SA pair (ESP in UDP, RFC 3948).
# This Linux kernel has no ESP/xfrm, so the packets a tunnel-mode SA would carry are carried here: a tun device
# NAME, routed to the remote network, <-> UDP port 4500 on the gateway's own address, in ESP's wire format
# (RFC 4303: SPI, sequence number, payload, padding, pad length, next header 4 = IPv4) with the NULL cipher
# and no integrity check value: the framing and the NAT crossing are real, the cryptography is not.
# The peer's UDP endpoint is learned from what arrives (a NAT may change address and port), as NAT-T does;
# NAT-keepalives (one 0xff byte, RFC 3948 2.3) keep the NAT's mapping open from the end behind it.
# IKE-style NAT probes (natt.ts) that arrive on this address are answered, since this socket takes them.
# usage: espd.py NAME LOCAL PEER REMOTE_NET SPI_OUT
import fcntl, os, select, socket, struct, subprocess, sys, time

name, local, peer, remote_net, spi_out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))  # TUNSETIFF: tun, no packet info
subprocess.run(["ip", "link", "set", name, "up"], check=False)
subprocess.run(["ip", "route", "replace", remote_net, "dev", name], check=False)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((local, 4500))
dest = (peer, 4500)
seq = 0
last_keepalive = 0.0
print("ready", flush=True)

while True:
    now = time.time()
    if now - last_keepalive > 5:
        s.sendto(b"\xff", dest)
        last_keepalive = now
    r, _, _ = select.select([fd, s], [], [], 1.0)
    if fd in r:
        pkt = os.read(fd, 65535)
        if pkt and (pkt[0] >> 4) == 4:
            seq = (seq + 1) & 0xFFFFFFFF
            pad = (-(len(pkt) + 2)) % 4
            esp = struct.pack("!II", spi_out, seq) + pkt + bytes(range(1, pad + 1)) + bytes([pad, 4])
            s.sendto(esp, dest)
    if s in r:
        data, src = s.recvfrom(65535)
        if data.startswith(b"OBSDLAB-IKE PROBE "):
            w = data.decode("utf8", "replace").split(" ")
            if len(w) == 5:
                s.sendto(("OBSDLAB-IKE SEEN %s %s %d" % (w[2], src[0], src[1])).encode(), src)
            continue
        if data == b"\xff":
            dest = src  # a keepalive tells where the peer's NAT maps it
            continue
        if len(data) < 12 or data[:4] == b"\x00\x00\x00\x00":
            continue  # IKE on 4500 (non-ESP marker) is the daemons' business
        dest = src
        padlen, nxt = data[-2], data[-1]
        inner = data[8:len(data) - 2 - padlen]
        if nxt == 4 and inner:
            os.write(fd, inner)
