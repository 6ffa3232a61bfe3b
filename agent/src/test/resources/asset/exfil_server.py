# "Exfil" server for the model-theft guard kernel tests; runs in the test's network namespace.
# argv: addr port... ; prints "<port> <bytes>" when a connection ends (EOF or 3 s idle), flushed.
import socket, sys, threading

def serve(addr, port):
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    while True:
        c, _ = s.accept()
        threading.Thread(target=drain, args=(c, port), daemon=True).start()

def drain(c, port):
    c.settimeout(3)
    n = 0
    try:
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            n += len(b)
    except OSError:
        pass
    c.close()
    print(port, n, flush=True)

addr = sys.argv[1]
for p in sys.argv[2:]:
    threading.Thread(target=serve, args=(addr, int(p)), daemon=True).start()
print("ready", flush=True)
threading.Event().wait()
