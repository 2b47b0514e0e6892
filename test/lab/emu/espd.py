#!/usr/bin/python3
# TEST DOUBLE helper of the pulumi-openbsd lab: the data path of an established tunnel-mode IPsec SA pair.
# This Linux kernel has no ESP/xfrm, so the packets the SA pair would carry are carried here: a tun device NAME,
# routed to the remote network(s), <-> the gateway's own address, in ESP's wire format (RFC 4303: SPI, sequence
# number, payload, padding, pad length, next header 4 = IPv4) with the NULL cipher and no integrity check value:
# the framing, the SPIs (those `ipsecctl -sa` shows) and the path are real, the cryptography is not.
#   esp:  IP protocol 50 between the gateways' addresses (a raw socket, as OpenBSD sends ESP without NAT);
#         several SA pairs on one gateway each have their own espd, and each takes only its inbound SPI.
#   udp:  NAT-T, ESP in UDP 4500 (RFC 3948). The peer's UDP endpoint is learned from what arrives (a NAT may
#         change address and port); NAT-keepalives (one 0xff byte, RFC 3948 2.3) keep the NAT's mapping open
#         from the end behind it. IKE-style NAT probes (natt.ts) that arrive on this address are answered,
#         since this socket takes them. One NAT-T espd per local address (it binds ADDR:4500).
# usage: espd.py NAME LOCAL PEER REMOTE_NET[,REMOTE_NET…] SPI_OUT SPI_IN esp|udp
import fcntl, os, select, socket, struct, subprocess, sys, time

name, local, peer, remote_nets = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].split(",")
spi_out, spi_in, mode = int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454CA, struct.pack("16sH", name.encode(), 0x0001 | 0x1000))  # TUNSETIFF: tun, no packet info
subprocess.run(["ip", "link", "set", name, "up"], check=False)
for net in remote_nets:
    subprocess.run(["ip", "route", "replace", net, "dev", name], check=False)

if mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((local, 4500))
    dest = (peer, 4500)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)  # IPPROTO_ESP: the kernel writes the IP header
    s.bind((local, 0))
    dest = (peer, 0)
seq = 0
last_keepalive = 0.0
print("ready", flush=True)


def esp_in(data):
    """The inner IPv4 packet of an ESP payload for our inbound SA, or None."""
    if len(data) < 12 or struct.unpack("!I", data[:4])[0] != spi_in:
        return None
    padlen, nxt = data[-2], data[-1]
    inner = data[8:len(data) - 2 - padlen]
    return inner if nxt == 4 and inner else None


while True:
    now = time.time()
    if mode == "udp" and now - last_keepalive > 5:
        s.sendto(b"\xff", dest)
        last_keepalive = now
    r, _, _ = select.select([fd, s], [], [], 1.0)
    if fd in r:
        pkt = os.read(fd, 65535)
        if pkt and (pkt[0] >> 4) == 4:
            seq = (seq + 1) & 0xFFFFFFFF
            pad = (-(len(pkt) + 2)) % 4
            esp = struct.pack("!II", spi_out, seq) + pkt + bytes(range(1, pad + 1)) + bytes([pad, 4])
            try:
                s.sendto(esp, dest)
            except OSError:
                pass  # no route yet (an interface going down): the packet is lost, as it would be
    if s in r:
        data, src = s.recvfrom(65535)
        if mode != "udp":
            # a raw IPv4 socket reads the outer header too: only ESP from the peer to this address
            ihl = (data[0] & 0x0F) * 4 if data else 0
            if len(data) < ihl + 12 or socket.inet_ntoa(data[12:16]) != peer or socket.inet_ntoa(data[16:20]) != local:
                continue
            inner = esp_in(data[ihl:])
            if inner:
                os.write(fd, inner)
            continue
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
        inner = esp_in(data)
        if inner:
            dest = src
            os.write(fd, inner)
