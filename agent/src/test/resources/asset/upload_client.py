# Client for the model-theft guard kernel tests. argv: addr port nbytes [fork]
# Prints "pid <pid>", waits for a line on stdin (the test taints it meanwhile), then connects and
# sends nbytes (in the child when "fork" is given), and prints one of:
#   "denied <errno>"  connect failed
#   "sent <n>"        all sent and closed
#   "stalled <n>"     the send blocked for 3 s after n bytes (the guard drops past the budget)
import os, socket, sys

addr, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
print("pid", os.getpid(), flush=True)
sys.stdin.readline()
if len(sys.argv) > 4 and sys.argv[4] == "fork":
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        sys.exit(0)
    print("child", os.getpid(), flush=True)
fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_STREAM)
try:
    s.connect((addr, port))
except OSError as e:
    print("denied", e.errno, flush=True)
    os._exit(0)
s.settimeout(3)
chunk = b"W" * 65536
n = 0
try:
    while n < total:
        k = s.send(chunk[: min(len(chunk), total - n)])
        n += k
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    print("sent", n, flush=True)
except OSError:
    print("stalled", n, flush=True)
os._exit(0)
