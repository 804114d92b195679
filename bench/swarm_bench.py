#!/usr/bin/python3
"""Controller under a swarm of simulated agents (issue 3 figures).

Starts herd-controller and herd-swarm processes speaking the real protocol
over CURVE on loopback, then measures:
  - time until all agents are up;
  - the controller's CPU share (of one core) and RSS at steady state;
  - `herd status` and `herd status --json`, process start to exit;
  - the status query's round trip on one connection (the controller's share);
  - kill -9 of the controller with every agent connected, restart, and the
    time until every agent is up again, with how many came back in each
    second (the reconnect backoff at work).

    bench/swarm_bench.py --agents 2000 [--window 30] [--build build]
"""
import argparse
import collections
import datetime
import json
import os
import signal
import sys
import time

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import herdbench  # noqa: E402
from herdbench import summarize  # noqa: E402


def status_command(cluster, calls=100):
    """`herd status` (table) and `--json`, process start to exit."""
    figures = {}
    for label, args in (("table", ("status",)), ("json", ("status", "--json"))):
        times = []
        for _ in range(calls):
            t0 = time.perf_counter()
            cluster.herd(*args)
            times.append((time.perf_counter() - t0) * 1000)
        figures[label] = summarize(times)
    return figures


def query_round_trip(cluster, calls=500):
    """status_query -> status_reply on one connection (pyzmq)."""
    sock = zmq.Context.instance().socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"ipc://{cluster.path('controller.sock')}")
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


def restart(cluster, agents, timeout):
    cluster.controller.send_signal(signal.SIGKILL)
    cluster.controller.wait()
    restarted = time.time()
    cluster.start_controller()
    if cluster.wait_all_up(agents, timeout) is None:
        return {"all_up_after_restart_s": None, "summary": cluster.summary()}
    all_up = time.time() - restarted
    events = json.loads(cluster.herd("events", "--json", "--limit", "100000", "--since", f"{int(all_up) + 5}s"))
    per_second = collections.Counter()
    for e in events["events"]:
        if e["kind"] == "node_up":
            at = datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
            if at >= restarted:
                per_second[int(at - restarted)] += 1
    seconds = max(per_second) + 1 if per_second else 0
    return {"all_up_after_restart_s": round(all_up, 2),
            "up_per_second_after_restart": [per_second[i] for i in range(seconds)],
            "worst_second": max(per_second.values()) if per_second else 0}


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
    ap.add_argument("--build", default=herdbench.DEFAULT_BUILD)
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    cluster = herdbench.Cluster(args.build, args.port, args.keep)
    figures = {"agents": args.agents, "cores": os.cpu_count()}
    try:
        cluster.setup(args.agents, controller_extra=f"io_threads = {args.io_threads}\n",
                      swarm_extra=f'reconnect_min = "{args.reconnect_min}"\nreconnect_max = "{args.reconnect_max}"\n')
        cluster.start_controller()
        t0 = time.time()
        cluster.start_swarm(args.agents, args.per_process)
        if cluster.wait_all_up(args.agents, args.timeout) is None:
            sys.exit(f"not all agents came up within {args.timeout} s: {cluster.summary()}")
        figures["initial_all_up_s"] = round(time.time() - t0, 2)
        time.sleep(3)  # let the connection storm settle
        pid = cluster.controller.pid
        figures["steady_state"] = {"cpu_percent_of_one_core": round(herdbench.cpu_share(pid, args.window), 1),
                                   "rss_mb": round(herdbench.rss_mb(pid), 1), "window_s": args.window}
        figures["status_command"] = status_command(cluster)
        figures["status_query_round_trip"] = query_round_trip(cluster)
        figures["restart"] = restart(cluster, args.agents, args.timeout)
    finally:
        cluster.stop()
    print(json.dumps(figures, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()
