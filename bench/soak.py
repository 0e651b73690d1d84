#!/usr/bin/env python3
"""Soak: mixed traffic through loopgate, started as a user starts it (./loopgate serve), for a long time.

Keep-alive and Connection: close GETs, server-sent events, WebSocket echoes and 1 MiB uploads to one backend; GETs
to a second backend that restarts every minute; a registration renewed every 2 s; a config edit every 30 s. Every
10 s the gateway's RSS, open file descriptors and threads are sampled. At the end: requests by outcome, failures
not explained by the restarting backend (must be 0), and the samples (RSS, fds and threads must be flat after
warm-up). Loopback only; every loop ends with the duration.

Run by hand, never in CI:  bench/soak.py [seconds]   (default 1800)
"""
import base64, hashlib, http.client, json, os, socket, struct, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GW = 18100
DURATION = int(sys.argv[1]) if len(sys.argv) > 1 else 1800
stop = threading.Event()
lock = threading.Lock()
counts = {}
unexplained = []


def count(kind, ok, detail=""):
    with lock:
        key = (kind, "ok" if ok else "failed")
        counts[key] = counts.get(key, 0) + 1
        if not ok and kind != "flaky" and len(unexplained) < 50:
            unexplained.append(f"{kind}: {detail}")


class Backend(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/sse":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(5):
                self.wfile.write(f"data: event {i}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.1)
            self.close_connection = True
        elif self.path == "/ws" and self.headers.get("Upgrade", "").lower() == "websocket":
            accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"]
                                                    + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept.decode())
            self.end_headers()
            self.wfile.flush()
            payload = read_frame(self.rfile)
            self.wfile.write(bytes([0x81, len(payload)]) + payload)
            self.wfile.flush()
            self.close_connection = True
        else:
            body = b"hello from the soak backend"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        got = 0
        while got < n:
            chunk = self.rfile.read(min(65536, n - got))
            if not chunk:
                break
            got += len(chunk)
        body = str(got).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def read_frame(f):
    head = f.read(2)
    n = head[1] & 0x7F
    mask = f.read(4) if head[1] & 0x80 else b"\0\0\0\0"
    data = f.read(n)
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def serve(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), Backend)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def get(host, path, keep=None, close=False):
    conn = keep or http.client.HTTPConnection("127.0.0.1", GW, timeout=20)
    headers = {"Host": host}
    if close:
        headers["Connection"] = "close"
    conn.request("GET", path, headers=headers)
    res = conn.getresponse()
    body = res.read()
    if keep is None:
        conn.close()
    return res.status, body


def worker(kind, fn):
    keep = http.client.HTTPConnection("127.0.0.1", GW, timeout=20)
    while not stop.is_set():
        try:
            ok, detail = fn(keep)
        except Exception as e:  # a failed request is counted, the worker goes on
            ok, detail = False, repr(e)
            keep.close()
            keep = http.client.HTTPConnection("127.0.0.1", GW, timeout=20)
        count(kind, ok, detail)


def keepalive(keep):
    status, body = get("web.localhost", "/small", keep=keep)
    return status == 200 and body.startswith(b"hello"), status


def closing(_):
    status, _ = get("web.localhost", "/small", close=True)
    return status == 200, status


def sse(_):
    status, body = get("web.localhost", "/sse")
    return status == 200 and body.count(b"data: event") == 5, (status, body[:80])


def websocket(_):
    s = socket.create_connection(("127.0.0.1", GW), timeout=20)
    try:
        key = base64.b64encode(os.urandom(16)).decode()
        s.sendall((f"GET /ws HTTP/1.1\r\nHost: web.localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        f = s.makefile("rb")
        status = f.readline()
        while f.readline() not in (b"\r\n", b""):
            pass
        mask = os.urandom(4)
        msg = b"ping through loopgate"
        s.sendall(bytes([0x81, 0x80 | len(msg)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(msg)))
        head = f.read(2)
        echo = f.read(head[1] & 0x7F)
        return status.startswith(b"HTTP/1.1 101") and echo == msg, status
    finally:
        s.close()


def upload(_):
    data = os.urandom(1 << 20)
    conn = http.client.HTTPConnection("127.0.0.1", GW, timeout=30)
    conn.request("POST", "/upload", body=data, headers={"Host": "web.localhost"})
    res = conn.getresponse()
    body = res.read()
    conn.close()
    return res.status == 200 and body == str(len(data)).encode(), res.status


def flaky(keep):
    status, _ = get("flaky.localhost", "/small", keep=keep)
    return status == 200, status


def registrations(token):
    while not stop.is_set():
        try:
            conn = http.client.HTTPConnection("127.0.0.1", GW, timeout=20)
            conn.request("PUT", "/api/v1/services/leased/backends/one", body=json.dumps(
                {"url": f"http://127.0.0.1:{BACKEND}", "ttl": "5s"}),
                headers={"Host": "loopgate.localhost", "Authorization": f"Bearer {token}"})
            res = conn.getresponse()
            res.read()
            conn.close()
            count("registration", res.status in (200, 201), res.status)
            status, _ = get("leased.localhost", "/small")
            count("leased", status == 200, status)
        except Exception as e:
            count("registration", False, repr(e))
        stop.wait(2)


def config_text(extra):
    text = (f"services:\n  web: http://127.0.0.1:{BACKEND}\n"
            f"  flaky:\n    backends: [http://127.0.0.1:{FLAKY}]\n    wait: 0s\n"
            f"    health: {{ interval: 500ms }}\n")
    return text + (f"  extra: http://127.0.0.1:{BACKEND}\n" if extra else "")


def sample(pid):
    status = open(f"/proc/{pid}/status").read()
    rss = int(status.split("VmRSS:")[1].split()[0]) / 1024
    threads = int(status.split("Threads:")[1].split()[0])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds, threads


BACKEND, FLAKY = 18101, 18102


def main():
    work = tempfile.mkdtemp(prefix="loopgate-soak.")
    config = os.path.join(work, "loopgate.yaml")
    with open(config, "w") as f:
        f.write(config_text(False))
    serve(BACKEND)
    flaky_server = [serve(FLAKY)]
    state = os.path.join(work, "state")
    gw = subprocess.Popen([os.path.join(REPO, "loopgate"), "serve", "--port", str(GW), "--config", config,
                           "--state-dir", state], stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "log"),
                                                                                          "w"))
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", GW), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    token = open(os.path.join(state, "token")).read().strip()
    threads = [threading.Thread(target=worker, args=(k, fn), daemon=True) for k, fn in [
        ("keep-alive", keepalive), ("keep-alive", keepalive), ("close", closing), ("sse", sse),
        ("websocket", websocket), ("upload", upload), ("flaky", flaky)]]
    threads.append(threading.Thread(target=registrations, args=(token,), daemon=True))
    for t in threads:
        t.start()
    samples = []
    start = time.time()
    extra = False
    next_edit, next_restart, next_sample = start + 30, start + 60, start
    try:
        while time.time() - start < DURATION:
            now = time.time()
            if now >= next_sample:
                samples.append((int(now - start),) + sample(gw.pid))
                next_sample += 10
            if now >= next_edit:
                extra = not extra
                with open(config + ".tmp", "w") as f:
                    f.write(config_text(extra))
                os.replace(config + ".tmp", config)
                next_edit += 30
            if now >= next_restart:
                flaky_server[0].shutdown()
                flaky_server[0].server_close()
                time.sleep(2)
                flaky_server[0] = serve(FLAKY)
                next_restart += 60
            time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        gw.terminate()
        gw.wait(timeout=30)
    print(f"duration {DURATION} s")
    for (kind, outcome), n in sorted(counts.items()):
        print(f"{kind:<14} {outcome:<7} {n}")
    print(f"failures not caused by the restarting backend: {sum(n for (k, o), n in counts.items() if o == 'failed' and k != 'flaky')}")
    for line in unexplained[:10]:
        print("  " + line)
    print("t(s)\tRSS MiB\tfds\tthreads")
    for t, rss, fds, th in samples[:: max(1, len(samples) // 20)] + samples[-1:]:
        print(f"{t}\t{rss:.1f}\t{fds}\t{th}")


if __name__ == "__main__":
    sys.exit(main())
