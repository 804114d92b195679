#!/usr/bin/python3
"""An idle herd-agent's footprint (issue 5): RSS and CPU share over a window
at default intervals (1 s heartbeat, 5 s collection, 10 s report), connected
to a controller, beside prometheus-node-exporter scraped every 15 s as
Prometheus would. Both run on this machine with their default collectors.

    bench/agent_footprint.py [--window 300] [--build build]

Needs Debian's prometheus-node-exporter (not installed by scripts/install-deps:
it is a daemon, and only this comparison uses it).
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from herdbench import DEFAULT_BUILD, cpu_seconds, rss_mb  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--window", type=float, default=300)
    ap.add_argument("--build", default=DEFAULT_BUILD)
    ap.add_argument("--port", type=int, default=29801)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    work = tempfile.mkdtemp(prefix="herd-footprint-")
    p = lambda name: os.path.join(work, name)
    procs = []
    try:
        herd = os.path.join(build, "cli/herd")
        subprocess.run([herd, "keys", "gen", "--out", p("controller")], check=True, capture_output=True)
        os.makedirs(p("keys"))
        subprocess.run([herd, "keys", "gen", "--out", p("node01")], check=True, capture_output=True)
        shutil.move(p("node01.pub"), p("keys/node01.pub"))
        with open(p("c.toml"), "w") as f:
            f.write(f'agent_endpoint = "tcp://127.0.0.1:{args.port}"\npublish_endpoint = "tcp://127.0.0.1:{args.port+1}"\n'
                    f'query_socket = "ipc://{p("c.sock")}"\nkey = "{p("controller.key")}"\nkeys_dir = "{p("keys")}"\n'
                    f'state_db = "{p("c.db")}"\n')
        with open(p("a.toml"), "w") as f:
            f.write(f'controller_endpoint = "tcp://127.0.0.1:{args.port}"\npublish_endpoint = "tcp://127.0.0.1:{args.port+1}"\n'
                    f'controller_public_key = "{p("controller.pub")}"\nkey = "{p("node01.key")}"\n'
                    f'local_socket = "ipc://{p("agent.sock")}"\nmanage_directory = false\n')
        devnull = subprocess.DEVNULL
        procs.append(subprocess.Popen([os.path.join(build, "controller/herd-controller"), "-c", p("c.toml")],
                                      stdout=devnull, stderr=devnull))
        time.sleep(0.5)
        agent = subprocess.Popen([os.path.join(build, "agent/herd-agent"), "-c", p("a.toml")], stdout=devnull,
                                 stderr=devnull)
        exporter = subprocess.Popen(["/usr/bin/prometheus-node-exporter", f"--web.listen-address=127.0.0.1:{args.port+2}"],
                                    stdout=devnull, stderr=devnull)
        procs += [agent, exporter]
        time.sleep(15)  # past start-up: first reports, first scrape
        start = {pid: cpu_seconds(pid) for pid in (agent.pid, exporter.pid)}
        t0 = time.time()
        peak = {agent.pid: 0.0, exporter.pid: 0.0}
        while time.time() - t0 < args.window:
            urllib.request.urlopen(f"http://127.0.0.1:{args.port+2}/metrics", timeout=10).read()
            for pid in peak:
                peak[pid] = max(peak[pid], rss_mb(pid))
            time.sleep(15)
        elapsed = time.time() - t0
        result = {}
        for name, proc in (("herd-agent", agent), ("prometheus-node-exporter", exporter)):
            result[name] = {"cpu_percent_of_one_core": round(100 * (cpu_seconds(proc.pid) - start[proc.pid]) / elapsed, 3),
                            "rss_mb": round(rss_mb(proc.pid), 1), "peak_rss_mb": round(peak[proc.pid], 1)}
        result["window_s"] = round(elapsed)
        print(json.dumps(result, indent=2))
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
