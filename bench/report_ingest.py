#!/usr/bin/python3
"""Controller ingest of full reports (issue 5): herd-swarm agents send full
reports (health, plus --users made-up users' quota rows, slices and user
units each) every --interval; the controller's CPU share gives the reports
per second one core can take in.

    bench/report_ingest.py --agents 1000 --interval 1s --users 0
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import herdbench  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--interval", default="1s", help="report_interval of each simulated agent")
    ap.add_argument("--users", type=int, default=0)
    ap.add_argument("--window", type=float, default=30)
    ap.add_argument("--port", type=int, default=28901)
    ap.add_argument("--build", default=herdbench.DEFAULT_BUILD)
    args = ap.parse_args()
    seconds = float(args.interval.rstrip("ms")) / (1000 if args.interval.endswith("ms") else 1)
    cluster = herdbench.Cluster(args.build, args.port)
    try:
        cluster.setup(args.agents, swarm_extra=f'report_interval = "{args.interval}"\nfake_users = {args.users}\n'
                                               f'heartbeat_interval = "1s"\n')
        cluster.start_controller()
        cluster.start_swarm(args.agents, 2000)
        if cluster.wait_all_up(args.agents, 120) is None:
            sys.exit("agents did not come up")
        share = herdbench.cpu_share(cluster.controller.pid, args.window)
        reports_per_s = args.agents / seconds
        heartbeats_per_s = args.agents  # 1 s heartbeats alongside
        print(json.dumps({"agents": args.agents, "report_interval_s": seconds, "users_per_report": args.users,
                          "reports_per_s": reports_per_s, "controller_cpu_percent": round(share, 1),
                          "controller_rss_mb": round(herdbench.rss_mb(cluster.controller.pid), 1),
                          "reports_per_core_second": round(reports_per_s / (share / 100), 0) if share else None,
                          "note": f"the CPU share includes {heartbeats_per_s} heartbeats/s"}, indent=2))
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
