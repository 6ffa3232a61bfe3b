# A DNS server for the model-theft guard kernel tests, in the test's network namespace.
# argv: bind_addr name=ip:ttl ... ; answers A queries for the names (other names: NXDOMAIN).
import socket, struct, sys

table = {}
for a in sys.argv[2:]:
    name, rest = a.split('=')
    ip, ttl = rest.split(':')
    table[name.lower()] = (ip, int(ttl))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print('ready', flush=True)
while True:
    q, peer = s.recvfrom(2048)
    qid, = struct.unpack('>H', q[:2])
    off, labels = 12, []
    while q[off] != 0:
        labels.append(q[off + 1:off + 1 + q[off]].decode())
        off += q[off] + 1
    question = q[12:off + 5]
    name = '.'.join(labels).lower()
    if name in table:
        ip, ttl = table[name]
        ans = b'\xc0\x0c' + struct.pack('>HHIH', 1, 1, ttl, 4) + socket.inet_aton(ip)
        s.sendto(struct.pack('>HHHHHH', qid, 0x8180, 1, 1, 0, 0) + question + ans, peer)
    else:
        s.sendto(struct.pack('>HHHHHH', qid, 0x8183, 1, 0, 0, 0) + question, peer)
