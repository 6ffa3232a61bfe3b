# Scripted client for the model-theft guard kernel tests. Prints "pid <pid>", then runs its
# arguments as steps, printing one line per step:
#   read:PATH                 "read <bytes>" | "read-denied <errno>"
#   resolve:NAME@SERVER       "resolved <ip> <ttl>" (A query over UDP to SERVER:53; the ip is remembered as $)
#   sleep:SECONDS             "slept"
#   connect:ADDR:PORT         "connected" | "denied <errno>"      (ADDR may be $)
#   upload:ADDR:PORT:BYTES    "sent <n>" | "stalled <n>" | "denied <errno>"
#   sendto:ADDR:PORT          "datagram" | "denied <errno>"      (one UDP datagram, unconnected socket)
#   bash:COMMAND              "bash <rc>" (a child process: fork + exec)
#   wait                      "waiting", then waits for a line on stdin
import os, socket, struct, subprocess, sys, time

last = None

def connect(addr, port):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect((addr, port))
    return s

def resolve(name, server):
    q = struct.pack('>HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0)
    q += b''.join(bytes([len(l)]) + l.encode() for l in name.split('.')) + b'\0' + struct.pack('>HH', 1, 1)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(5)
    u.sendto(q, (server, 53))
    r, _ = u.recvfrom(2048)
    # skip the question, read the first answer (name is a pointer: 2 bytes)
    off = 12
    while r[off] != 0:
        off += r[off] + 1
    off += 5
    off += 2
    typ, cls, ttl, rdlen = struct.unpack('>HHIH', r[off:off + 10])
    ip = socket.inet_ntoa(r[off + 10:off + 14])
    return ip, ttl

print("pid", os.getpid(), flush=True)
for step in sys.argv[1:]:
    kind, _, arg = step.partition(':')
    try:
        if kind == 'read':
            with open(arg, 'rb') as f:
                n = len(f.read())
            print('read', n, flush=True)
        elif kind == 'resolve':
            name, server = arg.split('@')
            last, ttl = resolve(name, server)
            print('resolved', last, ttl, flush=True)
        elif kind == 'sleep':
            time.sleep(float(arg))
            print('slept', flush=True)
        elif kind == 'connect':
            addr, port = arg.rsplit(':', 1)
            connect(last if addr == '$' else addr, int(port)).close()
            print('connected', flush=True)
        elif kind == 'upload':
            addr, port, total = arg.rsplit(':', 2)
            s = connect(last if addr == '$' else addr, int(port))
            s.settimeout(3)
            chunk, n = b'W' * 65536, 0
            try:
                while n < int(total):
                    n += s.send(chunk[: min(65536, int(total) - n)])
                s.shutdown(socket.SHUT_WR)
                s.recv(1)
                print('sent', n, flush=True)
            except OSError:
                print('stalled', n, flush=True)
            s.close()
        elif kind == 'sendto':
            addr, port = arg.rsplit(':', 1)
            u = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET, socket.SOCK_DGRAM)
            u.sendto(b'VIGIL-WEIGHTS', (addr, int(port)))
            print('datagram', flush=True)
        elif kind == 'bash':
            print('bash', subprocess.run(['bash', '-c', arg], stderr=subprocess.DEVNULL).returncode, flush=True)
        elif kind == 'wait':
            print('waiting', flush=True)
            sys.stdin.readline()
    except OSError as e:
        word = {'read': 'read-denied', 'connect': 'denied', 'upload': 'denied', 'sendto': 'denied'}.get(kind, kind + '-error')
        print(word, e.errno, flush=True)
