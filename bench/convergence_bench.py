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
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import herdbench  # noqa: E402

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


class Bench(herdbench.Cluster):
    def __init__(self, args):
        super().__init__(args.build, args.port, args.keep)
        self.agents = args.agents

    def start(self, per_process):
        self.setup(self.agents, swarm_extra='report_interval = "60s"\n')
        self.start_controller()
        self.start_swarm(self.agents, per_process)
        if self.wait_all_up(self.agents, 120) is None:
            sys.exit("agents did not come up")

    def apply(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.herd("directory", "apply", self.path(name))

    def wait_converged(self, revision, timeout=300):
        """Seconds from storing `revision` to the last acknowledgement (controller clock), and the
        median time one agent spent on it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            status = json.loads(self.herd("directory", "status", "--json"))
            acks = [n for n in status["nodes"] if n.get("result_revision") == revision]
            if len(acks) == self.agents:
                failed = [n for n in acks if not n["result"]["applied"]]
                if failed:
                    sys.exit(f"{len(failed)} agents refused revision {revision}: {failed[0]['result']['errors'][:1]}")
                created = next(r["created_ms"] for r in status["revisions"] if r["revision"] == revision)
                last = max(n["result_ms"] for n in acks)
                return (last - created) / 1000.0, statistics.median(n["result"]["duration_us"] for n in acks)
            time.sleep(0.1)
        sys.exit(f"revision {revision} did not converge within {timeout} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--users", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-process", type=int, default=1000)
    ap.add_argument("--port", type=int, default=28801)
    ap.add_argument("--build", default=herdbench.DEFAULT_BUILD)
    ap.add_argument("--json")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    bench = Bench(args)
    figures = {"agents": args.agents, "users": args.users, "cores": os.cpu_count()}
    try:
        bench.start(args.per_process)
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
