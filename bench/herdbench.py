"""Shared plumbing of herd's benchmark scripts: a temporary cluster of a
controller and herd-swarm processes on loopback, the herd CLI against it,
and per-process CPU and memory readings from /proc. Nothing outside the
temporary directory and loopback is touched."""
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
DEFAULT_BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build")


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


def summarize(times_ms):
    times_ms = sorted(times_ms)
    return {"calls": len(times_ms), "median_ms": round(statistics.median(times_ms), 2),
            "p99_ms": round(times_ms[int(0.99 * (len(times_ms) - 1))], 2), "max_ms": round(times_ms[-1], 2)}


def cpu_share(pid, window):
    """Percent of one core `pid` used over `window` seconds from now."""
    c0, t0 = cpu_seconds(pid), time.time()
    time.sleep(window)
    return 100 * (cpu_seconds(pid) - c0) / (time.time() - t0)


class Cluster:
    def __init__(self, build, port, keep=False):
        self.build = os.path.abspath(build)
        self.port = port
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="herd-bench-")
        self.controller = None
        self.swarms = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def binary(self, rel):
        return os.path.join(self.build, rel)

    def setup(self, agents, controller_extra="", swarm_extra=""):
        subprocess.run([self.binary("cli/herd"), "keys", "gen", "--out", self.path("controller")], check=True,
                       stdout=subprocess.DEVNULL)
        os.makedirs(self.path("keys"))
        subprocess.run([self.binary("swarm/herd-swarm"), "keys", "--count", str(agents), "--out",
                        self.path("swarm-keys"), "--enrol", self.path("keys")], check=True)
        with open(self.path("controller.toml"), "w") as f:
            f.write(f'agent_endpoint = "tcp://127.0.0.1:{self.port}"\n'
                    f'publish_endpoint = "tcp://127.0.0.1:{self.port + 1}"\n'
                    f'query_socket = "ipc://{self.path("controller.sock")}"\n'
                    f'key = "{self.path("controller.key")}"\nkeys_dir = "{self.path("keys")}"\n'
                    f'state_db = "{self.path("controller.db")}"\n' + controller_extra)
        with open(self.path("swarm.toml"), "w") as f:
            f.write(f'controller_endpoint = "tcp://127.0.0.1:{self.port}"\n'
                    f'publish_endpoint = "tcp://127.0.0.1:{self.port + 1}"\n'
                    f'controller_public_key = "{self.path("controller.pub")}"\n'
                    f'keys_dir = "{self.path("swarm-keys")}"\n' + swarm_extra)
        with open(self.path("herd.toml"), "w") as f:
            f.write(f'socket = "ipc://{self.path("controller.sock")}"\ntimeout = "30s"\n')

    def start_controller(self):
        log = open(self.path("controller.log"), "a")
        self.controller = subprocess.Popen([self.binary("controller/herd-controller"), "--config",
                                            self.path("controller.toml")], stdout=log, stderr=log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.herd_raw("status").returncode == 0:
                return
            time.sleep(0.05)
        sys.exit("controller did not start; see " + self.path("controller.log"))

    def start_swarm(self, agents, per_process):
        first = 0
        while first < agents:
            count = min(per_process, agents - first)
            log = open(self.path(f"swarm-{first}.log"), "w")
            self.swarms.append(subprocess.Popen(
                [self.binary("swarm/herd-swarm"), "--config", self.path("swarm.toml"), "--agents", str(count),
                 "--first", str(first)], stdout=log, stderr=log))
            first += count

    def herd_raw(self, *args):
        return subprocess.run([self.binary("cli/herd"), "--config", self.path("herd.toml"), *args],
                              capture_output=True, text=True)

    def herd(self, *args):
        r = self.herd_raw(*args)
        if r.returncode != 0:
            sys.exit(f"herd {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def summary(self):
        r = self.herd_raw("status", "--json")
        return json.loads(r.stdout)["summary"] if r.returncode == 0 else None

    def wait_all_up(self, agents, timeout):
        """Seconds until `agents` nodes are up, or None."""
        start = time.time()
        while time.time() - start < timeout:
            s = self.summary()
            if s and s["up"] == agents:
                return time.time() - start
            time.sleep(0.1)
        return None

    def stop(self):
        procs = self.swarms + ([self.controller] if self.controller else [])
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
