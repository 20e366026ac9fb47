"""A stand-in engine for sandbox-benchmarks/native-client.sh (engine protocol version 1).

    python3 native-client-engine.py RUNTIME_DIR SCRIPT fallback|spawn   serve until killed
    python3 native-client-engine.py RUNTIME_DIR SCRIPT latency CLIENT N  time N runs, print medians

fallback answers every REQUEST with FALLBACK; spawn with SPAWN /bin/true (streams inherited), then
EXIT with the child's code. latency starts CLIENT N times itself and prints the median time from
just before starting it to the REQUEST's arrival and to STARTED (SPAWN received, child exec'd).
"""
import os, socket, statistics, struct, subprocess, sys, threading, time


def socket_path(runtime, script):
    h = 0xcbf29ce484222325
    for c in script.encode():
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    d = os.path.join(runtime, "sandbox4j")
    os.makedirs(d, 0o700, exist_ok=True)
    return os.path.join(d, "engine-%016x.sock" % h)


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            return None
        b += x
    return b


def read_frame(c):
    h = recv_exact(c, 5)
    if h is None:
        return None, None
    return h[0], recv_exact(c, struct.unpack(">I", h[1:])[0])


def frame(t, p):
    return bytes([t]) + struct.pack(">I", len(p)) + p


SPAWN_TRUE = frame(0x20, struct.pack(">II", 1, 9) + b"/bin/true" + struct.pack(">I", 0) + bytes(3))


def serve(c, mode):
    with c:
        t, _ = read_frame(c)
        if t != 0x01:
            return
        if mode == "fallback":
            c.sendall(frame(0x26, struct.pack(">I", 5) + b"bench"))
            return
        c.sendall(SPAWN_TRUE)
        while True:
            t, p = read_frame(c)
            if t is None:
                return
            if t == 0x14:  # EXITED: finish with its code
                c.sendall(frame(0x25, p))
                return


def main():
    runtime, script, mode = sys.argv[1:4]
    path = socket_path(runtime, script)
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(64)
    if mode != "latency":
        print("ready", flush=True)
        while True:
            c, _ = s.accept()
            threading.Thread(target=serve, args=(c, mode), daemon=True).start()
    client, n = sys.argv[4], int(sys.argv[5])
    env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
    request, started = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        p = subprocess.Popen([client, script, "run", "x"], env=env)
        c, _ = s.accept()
        read_frame(c)
        t1 = time.perf_counter()
        c.sendall(SPAWN_TRUE)
        while True:
            t, b = read_frame(c)
            if t == 0x10:
                t2 = time.perf_counter()
            if t == 0x14 or t is None:
                break
        c.sendall(frame(0x25, b))
        p.wait()
        c.close()
        request.append((t1 - t0) * 1000)
        started.append((t2 - t0) * 1000)
    print("| exec -> REQUEST at the engine | %.2f |" % statistics.median(request))
    print("| exec -> STARTED (SPAWN received, /bin/true exec'd) | %.2f |" % statistics.median(started))


main()
