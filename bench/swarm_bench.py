#!/usr/bin/python3
"""Controller under a swarm of simulated agents (issue 3 figures).

Starts herd-controller and herd-swarm processes speaking the real protocol
over CURVE on loopback, then measures:
  - time until all agents are up;
  - the controller's CPU share (of one core) and RSS at steady state;
  - `herd status --json` latency, process start to exit (median, p99);
  - kill -9 of the controller with every agent connected, restart, and the
    time until every agent is up again, with the number that came back in
    the worst second (the reconnect backoff at work).

    bench/swarm_bench.py --agents 2000 [--window 30] [--build build]

Prints a report and, with --json FILE, writes the figures as JSON.
Everything runs in a temporary directory; nothing else is touched.
"""
import argparse
import collections
import datetime
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import msgpack
import zmq

CLK_TCK = os.sysconf("SC_CLK_TCK")


def summarize(times_ms):
    times_ms = sorted(times_ms)
    return {"calls": len(times_ms), "median_ms": round(statistics.median(times_ms), 2),
            "p99_ms": round(times_ms[int(0.99 * (len(times_ms) - 1))], 2), "max_ms": round(times_ms[-1], 2)}


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.dir = tempfile.mkdtemp(prefix="herd-bench-")
        self.procs = []
        self.controller = None
        self.port = args.port

    def path(self, name):
        return os.path.join(self.dir, name)

    def binary(self, rel):
        return os.path.join(self.build, rel)

    def setup(self):
        subprocess.run([self.binary("cli/herd"), "keys", "gen", "--out", self.path("controller")],
                       check=True, stdout=subprocess.DEVNULL)
        os.makedirs(self.path("keys"))
        subprocess.run([self.binary("swarm/herd-swarm"), "keys", "--count", str(self.args.agents),
                        "--out", self.path("swarm-keys"), "--enrol", self.path("keys")], check=True)
        with open(self.path("controller.toml"), "w") as f:
            f.write(f'agent_endpoint = "tcp://127.0.0.1:{self.port}"\n'
                    f'publish_endpoint = "tcp://127.0.0.1:{self.port + 1}"\n'
                    f'query_socket = "ipc://{self.path("controller.sock")}"\n'
                    f'key = "{self.path("controller.key")}"\n'
                    f'keys_dir = "{self.path("keys")}"\n'
                    f'state_db = "{self.path("controller.db")}"\n'
                    f'io_threads = {self.args.io_threads}\n')
        with open(self.path("swarm.toml"), "w") as f:
            f.write(f'controller_endpoint = "tcp://127.0.0.1:{self.port}"\n'
                    f'publish_endpoint = "tcp://127.0.0.1:{self.port + 1}"\n'
                    f'controller_public_key = "{self.path("controller.pub")}"\n'
                    f'keys_dir = "{self.path("swarm-keys")}"\n'
                    f'reconnect_min = "{self.args.reconnect_min}"\n'
                    f'reconnect_max = "{self.args.reconnect_max}"\n')
        with open(self.path("herd.toml"), "w") as f:
            f.write(f'socket = "ipc://{self.path("controller.sock")}"\ntimeout = "10s"\n')

    def start_controller(self):
        log = open(self.path("controller.log"), "a")
        self.controller = subprocess.Popen([self.binary("controller/herd-controller"), "--config",
                                            self.path("controller.toml")], stdout=log, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.herd("status").returncode == 0:
                return
            time.sleep(0.05)
        sys.exit("controller did not start; see " + self.path("controller.log"))

    def start_swarm(self):
        per_process = self.args.per_process
        first = 0
        while first < self.args.agents:
            count = min(per_process, self.args.agents - first)
            log = open(self.path(f"swarm-{first}.log"), "w")
            self.procs.append(subprocess.Popen(
                [self.binary("swarm/herd-swarm"), "--config", self.path("swarm.toml"),
                 "--agents", str(count), "--first", str(first)], stdout=log, stderr=log))
            first += count

    def herd(self, *args):
        return subprocess.run([self.binary("cli/herd"), "--config", self.path("herd.toml"), *args],
                              capture_output=True, text=True)

    def summary(self):
        r = self.herd("status", "--json")
        if r.returncode != 0:
            return None
        return json.loads(r.stdout)["summary"]

    def wait_all_up(self, timeout):
        start = time.time()
        while time.time() - start < timeout:
            s = self.summary()
            if s and s["up"] == self.args.agents:
                return time.time() - start
            time.sleep(0.1)
        return None

    def measure_steady_state(self):
        pid = self.controller.pid
        c0, t0 = cpu_seconds(pid), time.time()
        time.sleep(self.args.window)
        c1, t1 = cpu_seconds(pid), time.time()
        return {"cpu_percent_of_one_core": round(100 * (c1 - c0) / (t1 - t0), 1), "rss_mb": round(rss_mb(pid), 1),
                "window_s": self.args.window}

    def measure_status_latency(self, calls=100):
        """`herd status` (table) and `--json`, process start to exit."""
        figures = {}
        for label, args in (("table", ("status",)), ("json", ("status", "--json"))):
            times = []
            for _ in range(calls):
                t0 = time.perf_counter()
                r = self.herd(*args)
                times.append((time.perf_counter() - t0) * 1000)
                if r.returncode != 0:
                    sys.exit("herd status failed: " + r.stderr)
            figures[label] = summarize(times)
        return figures

    def measure_query_round_trip(self, calls=500):
        """status_query -> status_reply on one connection (pyzmq), the controller's share of a status."""
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"ipc://{self.path('controller.sock')}")
        times = []
        for i in range(calls):
            frame = msgpack.packb({"version": [1, 0], "type": "status_query", "sender": "bench", "seq": i,
                                   "time_ms": int(time.time() * 1000), "body": {}})
            t0 = time.perf_counter()
            sock.send(frame)
            if not sock.poll(10000):
                sys.exit("no answer to status_query")
            sock.recv()
            times.append((time.perf_counter() - t0) * 1000)
        sock.close()
        return summarize(times)

    def measure_restart(self):
        self.controller.send_signal(signal.SIGKILL)
        self.controller.wait()
        restart = time.time()
        self.start_controller()
        if self.wait_all_up(self.args.timeout) is None:
            return {"all_up_after_restart_s": None, "summary": self.summary()}
        all_up = time.time() - restart
        events = json.loads(self.herd("events", "--json", "--limit", "100000",
                                      "--since", f"{int(all_up) + 5}s").stdout)["events"]
        per_second = collections.Counter()
        for e in events:
            if e["kind"] == "node_up":
                at = datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
                if at >= restart:
                    per_second[int(at - restart)] += 1
        seconds = max(per_second) + 1 if per_second else 0
        return {"all_up_after_restart_s": round(all_up, 2),
                "up_per_second_after_restart": [per_second[i] for i in range(seconds)],
                "worst_second": max(per_second.values()) if per_second else 0}

    def stop(self):
        for p in self.procs + ([self.controller] if self.controller else []):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs + ([self.controller] if self.controller else []):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=2000)
    ap.add_argument("--per-process", type=int, default=2000, help="agents per herd-swarm process (fd limit)")
    ap.add_argument("--window", type=float, default=30, help="seconds of steady state to measure CPU over")
    ap.add_argument("--timeout", type=float, default=300, help="seconds to wait for all agents")
    ap.add_argument("--io-threads", type=int, default=1)
    ap.add_argument("--reconnect-min", default="1s")
    ap.add_argument("--reconnect-max", default="30s")
    ap.add_argument("--port", type=int, default=27801)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    bench = Bench(args)
    figures = {"agents": args.agents, "cores": os.cpu_count()}
    try:
        bench.setup()
        bench.start_controller()
        t0 = time.time()
        bench.start_swarm()
        took = bench.wait_all_up(args.timeout)
        if took is None:
            sys.exit(f"not all agents came up within {args.timeout} s: {bench.summary()}")
        figures["initial_all_up_s"] = round(time.time() - t0, 2)
        time.sleep(3)  # let the connection storm settle
        figures["steady_state"] = bench.measure_steady_state()
        figures["status_command"] = bench.measure_status_latency()
        figures["status_query_round_trip"] = bench.measure_query_round_trip()
        figures["restart"] = bench.measure_restart()
    finally:
        bench.stop()
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
