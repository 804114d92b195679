"""What booted nodes report, as users see it: a user's own systemd units
(rootless Docker's kind) in `herd daemon status`, asked on the node through
the agent's socket and on the head node by root."""

import json
import time

from ..harness import Env, case, log, wait_for
from ..users import check_nss, manager_state
from .agent import AGENT, running_cluster
from .directory import ALICE, BOB, e2e_directory

UNIT = "fake-docker.service"

# Stands in for rootless Docker's docker.service: a user unit, enabled, that
# runs for as long as the user's manager does.
FAKE_DOCKER = """\
[Unit]
Description=stand-in for rootless Docker (herd e2e)

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=default.target
"""


def install_user_unit(node, user: str, group: str, uid: int):
    """~/.config/systemd/user/fake-docker.service, enabled, as the user would
    (`systemctl --user enable`), then started in the user's manager, which
    linger started."""
    d = f"/home/{user}/.config/systemd/user"
    node.sh(f"set -e; install -d -o {user} -g {group} /home/{user}/.config /home/{user}/.config/systemd {d} "
            f"{d}/default.target.wants; cat > {d}/{UNIT} <<'EOF'\n{FAKE_DOCKER}EOF\n"
            f"chown {user}:{group} {d}/{UNIT}; ln -sfn ../{UNIT} {d}/default.target.wants/{UNIT}; "
            f"chown -h {user}:{group} {d}/default.target.wants/{UNIT}")
    user_systemctl = ["env", f"XDG_RUNTIME_DIR=/run/user/{uid}", "systemctl", "--user"]
    node.as_user(user, [*user_systemctl, "daemon-reload"])
    node.as_user(user, [*user_systemctl, "start", UNIT])
    wait_for(f"{UNIT} of {user} active", lambda: node.as_user(
        user, ["env", f"XDG_RUNTIME_DIR=/run/user/{uid}", "systemctl", "--user", "is-active", UNIT],
        check=False).stdout.strip() == "active", timeout=20)


def daemon_rows(doc: dict, uid=None, unit=UNIT):
    return [r for r in doc["units"] if r["unit"]["unit"]["name"] == unit
            and (uid is None or r["unit"]["uid"] == uid)]


@case(timeout=240, needs=AGENT)
def container_user_daemons(env: Env):
    """alice (lingering) runs a user unit standing in for rootless Docker on
    node1. `herd daemon status` run by alice on node1 (the CLI talks to the
    node's agent socket, which forwards with her kernel uid) shows it as
    active/running on node1 with its start time; run by bob there, it shows
    nothing of alice's, and bob's `--user alice` is refused; root on the head
    node sees it with `--all` and `--user 20001`."""
    with running_cluster(env, 2) as (c, nodes):
        names = [n.name for n in nodes]
        d = e2e_directory(c.keys_dir)
        rev = c.controller.apply_directory(d.write(c.run_dir / "directory.json"))
        c.controller.wait_directory(rev, names)
        n = nodes[0]
        check_nss(n, d)
        wait_for("user@20001 (alice, lingering) to start", lambda: manager_state(n, ALICE) == "active",
                 timeout=10)
        started = time.monotonic()
        install_user_unit(n, "alice", "e2e-users", ALICE)

        def seen_by_alice():
            p = n.as_user("alice", ["herd", "daemon", "status", "--json"], check=False)
            if p.returncode != 0:
                raise AssertionError(f"herd daemon status as alice exited {p.returncode}: {p.stderr}")
            doc = json.loads(p.stdout)
            return doc if daemon_rows(doc) else None
        mine = wait_for(f"{UNIT} in alice's `herd daemon status`", seen_by_alice, timeout=40, interval=1)
        env.record("user_unit_started_to_reported_seconds", round(time.monotonic() - started, 2))
        (row,) = daemon_rows(mine)
        unit = row["unit"]["unit"]
        assert row["node"] == n.name and row["unit"]["uid"] == ALICE, row
        assert (unit["active_state"], unit["sub_state"]) == ("active", "running"), unit
        assert {r["unit"]["uid"] for r in mine["units"]} == {ALICE}, f"alice sees others' units: {mine['units']}"
        text = n.as_user("alice", ["herd", "daemon", "status"]).stdout
        assert UNIT in text and n.name in text, text

        bobs = json.loads(n.as_user("bob", ["herd", "daemon", "status", "--json"]).stdout)
        assert not [r for r in bobs["units"] if r["unit"]["uid"] != BOB], f"bob sees: {bobs['units']}"
        refused = n.as_user("bob", ["herd", "daemon", "status", "--user", "alice", "--json"], check=False)
        assert refused.returncode != 0 and not daemon_rows(_json_or_empty(refused.stdout)), \
            f"bob asked for alice's daemons: exit {refused.returncode}: {refused.stdout} {refused.stderr}"

        everyone = c.controller.json(["daemon", "status", "--all"])
        assert [(r["node"], r["unit"]["uid"]) for r in daemon_rows(everyone)] == [(n.name, ALICE)], everyone
        alices = c.controller.json(["daemon", "status", "--user", str(ALICE)])  # no alice on the test machine
        assert daemon_rows(alices, ALICE), alices
        log(f"{UNIT}: seen by alice on {n.name}, hidden from bob, seen by root on the head node")


def _json_or_empty(text):
    try:
        return json.loads(text)
    except ValueError:
        return {"units": []}
