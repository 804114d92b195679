#!/usr/bin/python3
"""Directory convergence (issue 4): a one-user change published to N agents.

Starts herd-controller and herd-swarm processes (simulated agents that
decode, validate and diff every revision for real against an in-memory
/etc, see swarm/simulated_directory.hpp), applies a base directory of
--users users, waits until every agent has acknowledged it, then applies the
same directory plus one user and measures, on the controller's clock, the
time from storing that revision to the last agent's acknowledgement.

    bench/convergence_bench.py --agents 1000 --users 300 [--rounds 5]

Prints the figures as JSON (and writes them with --json FILE).
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOy31xFA0r9gGy72aeFlJzjCEx/zbFiH9f5Yy4vSeuMZ"
SHA512 = "$6$Qm9vZ3xy$Lf0V6K9pNELEghMUwPo6XxS2vK96nsqlF3Fy0Yk3FdfKN8iDYpCxBvC7vgsUVQAb0IsYxd28iUzYSmPKKtN0d."


def directory_yaml(users, extra=0):
    groups = max(1, users // 10)
    lines = ["managed_uid_range: [20000, 60000]", "managed_gid_range: [20000, 60000]", "groups:"]
    for g in range(groups):
        lines.append(f"  - {{name: group{g}, gid: {20000 + g}}}")
    lines.append("users:")
    for u in range(users + extra):
        lines.append(f"  - {{name: user{u}, uid: {30000 + u}, primary_group: group{u % groups}, "
                     f"home: /home/user{u}, password: '{SHA512}', "
                     f"ssh_authorized_keys: ['{ED25519} a{u}', '{ED25519} b{u}']}}")
    return "\n".join(lines) + "\n"


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build)
        self.dir = tempfile.mkdtemp(prefix="herd-convergence-")
        self.procs = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def run(self, *argv, check=True):
        return subprocess.run(argv, check=check, capture_output=True, text=True)

    def herd(self, *args):
        r = self.run(os.path.join(self.build, "cli/herd"), "--config", self.path("herd.toml"), *args, check=False)
        if r.returncode != 0:
            sys.exit(f"herd {' '.join(args)}: {r.stdout}{r.stderr}")
        return r.stdout

    def start(self):
        a = self.args
        self.run(os.path.join(self.build, "cli/herd"), "keys", "gen", "--out", self.path("controller"))
        os.makedirs(self.path("keys"))
        self.run(os.path.join(self.build, "swarm/herd-swarm"), "keys", "--count", str(a.agents),
                 "--out", self.path("swarm-keys"), "--enrol", self.path("keys"))
        with open(self.path("controller.toml"), "w") as f:
            f.write(f'agent_endpoint = "tcp://127.0.0.1:{a.port}"\npublish_endpoint = "tcp://127.0.0.1:{a.port + 1}"\n'
                    f'query_socket = "ipc://{self.path("c.sock")}"\nkey = "{self.path("controller.key")}"\n'
                    f'keys_dir = "{self.path("keys")}"\nstate_db = "{self.path("c.db")}"\n')
        with open(self.path("swarm.toml"), "w") as f:
            f.write(f'controller_endpoint = "tcp://127.0.0.1:{a.port}"\npublish_endpoint = "tcp://127.0.0.1:{a.port + 1}"\n'
                    f'controller_public_key = "{self.path("controller.pub")}"\nkeys_dir = "{self.path("swarm-keys")}"\n'
                    f'report_interval = "60s"\n')
        with open(self.path("herd.toml"), "w") as f:
            f.write(f'socket = "ipc://{self.path("c.sock")}"\ntimeout = "30s"\n')
        log = open(self.path("controller.log"), "w")
        self.procs.append(subprocess.Popen([os.path.join(self.build, "controller/herd-controller"), "--config",
                                            self.path("controller.toml")], stdout=log, stderr=log))
        time.sleep(0.5)
        first = 0
        while first < a.agents:
            count = min(a.per_process, a.agents - first)
            log = open(self.path(f"swarm-{first}.log"), "w")
            self.procs.append(subprocess.Popen(
                [os.path.join(self.build, "swarm/herd-swarm"), "--config", self.path("swarm.toml"),
                 "--agents", str(count), "--first", str(first)], stdout=log, stderr=log))
            first += count
        deadline = time.time() + 120
        while time.time() < deadline:
            if json.loads(self.herd("status", "--json"))["summary"]["up"] == a.agents:
                return
            time.sleep(0.2)
        sys.exit("agents did not come up")

    def apply(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.herd("directory", "apply", self.path(name))

    def wait_converged(self, revision, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = json.loads(self.herd("directory", "status", "--json"))
            acks = [n for n in status["nodes"] if n.get("result_revision") == revision]
            if len(acks) == self.args.agents:
                failed = [n for n in acks if not n["result"]["applied"]]
                if failed:
                    sys.exit(f"{len(failed)} agents refused revision {revision}: {failed[0]['result']['errors'][:1]}")
                created = next(r["created_ms"] for r in status["revisions"] if r["revision"] == revision)
                last = max(n["result_ms"] for n in acks)
                per_agent_us = [n["result"]["duration_us"] for n in acks]
                return (last - created) / 1000.0, statistics.median(per_agent_us)
            time.sleep(0.1)
        sys.exit(f"revision {revision} did not converge within {timeout} s")

    def stop(self):
        for p in self.procs:
            p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-process", type=int, default=1000)
    ap.add_argument("--port", type=int, default=28801)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    bench = Bench(args)
    figures = {"agents": args.agents, "users": args.users, "cores": os.cpu_count()}
    try:
        bench.start()
        t0 = time.time()
        bench.apply("base.yaml", directory_yaml(args.users))
        base_s, base_agent_us = bench.wait_converged(1)
        figures["first_revision_s"] = round(base_s, 3)
        figures["first_revision_wall_s"] = round(time.time() - t0, 3)
        figures["first_revision_agent_median_ms"] = round(base_agent_us / 1000, 2)
        times, agent_times = [], []
        for i in range(1, args.rounds + 1):
            bench.apply(f"plus{i}.yaml", directory_yaml(args.users, extra=i))
            seconds, agent_us = bench.wait_converged(1 + i)
            times.append(seconds)
            agent_times.append(agent_us)
        figures["one_user_change_s"] = {"median": round(statistics.median(times), 3), "max": round(max(times), 3),
                                        "rounds": [round(t, 3) for t in times]}
        figures["one_user_change_agent_median_ms"] = round(statistics.median(agent_times) / 1000, 2)
    finally:
        bench.stop()
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
