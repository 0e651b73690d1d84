#!/usr/bin/env python3
"""Exhaustion by many held connections, with loopgate started as a user starts it (./loopgate serve).

Measures the gateway's RSS idle, while 2,000 dashboard/event streams and then 10,000 requests for a service that is
down are held open, and again 60 s after they closed (G1's periodic collection returns memory then). Prints one
line per step and how many of the held connections were admitted (200/waiting) or refused at once (503).
Run by hand, never in CI:  bench/exhaustion.py   (loopback only; every loop is bounded)
"""
import os, resource, socket, subprocess, sys, tempfile, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 18090


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1


def hold(n, request):
    socks, refused = [], 0
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        s.sendall(request)
        socks.append(s)
    time.sleep(2)  # let the gateway answer what it refuses at once
    for s in socks:
        s.setblocking(False)
        try:
            head = s.recv(64)
            if head.startswith(b"HTTP/1.1 503"):
                refused += 1
        except BlockingIOError:
            pass
    return socks, refused


def main():
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    work = tempfile.mkdtemp(prefix="loopgate-exhaustion.")
    config = os.path.join(work, "loopgate.yaml")
    with open(config, "w") as f:
        f.write("services:\n  web:\n    backends: [http://127.0.0.1:1]\n    wait: 120s\n"
                "    health: { interval: 200ms }\n")
    env = dict(os.environ, LOOPGATE_CONFIG=config)
    if os.environ.get("NMT"):
        # Native memory tracking, to see where the RSS that stays is: NMT=1 bench/exhaustion.py
        env["LOOPGATE_JAVA_OPTS"] = "-Xmx256m -XX:G1PeriodicGCInterval=30000 -XX:NativeMemoryTracking=summary"
    gw = subprocess.Popen([os.path.join(REPO, "loopgate"), "serve", "--port", str(PORT), "--config", config,
                           "--state-dir", os.path.join(work, "state")], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lambda: resource.setrlimit(
                              resource.RLIMIT_NOFILE, (20000, 20000)))
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(5)
        print(f"idle                      RSS {rss_mib(gw.pid):7.1f} MiB")
        steps = [
            ("2,000 event streams", 2000,
             b"GET /api/v1/events?service=web HTTP/1.1\r\nHost: loopgate.localhost\r\n\r\n"),
            ("10,000 waiting requests", 10000, b"GET / HTTP/1.1\r\nHost: web.localhost\r\n\r\n"),
        ]
        for name, n, request in steps:
            socks, refused = hold(n, request)
            print(f"holding {name:<18} RSS {rss_mib(gw.pid):7.1f} MiB   refused at once (503): {refused}")
            for s in socks:
                s.close()
            time.sleep(60)
            print(f"60 s after closing them    RSS {rss_mib(gw.pid):7.1f} MiB")
        if os.environ.get("NMT"):
            java = subprocess.run(["pgrep", "-P", str(gw.pid)], capture_output=True, text=True).stdout.split()
            target = java[0] if java else str(gw.pid)
            print(subprocess.run(["jcmd", target, "VM.native_memory", "summary"], capture_output=True,
                                 text=True).stdout)
    finally:
        gw.terminate()
        gw.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
