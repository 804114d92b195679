"""herd-agent on booted container nodes, with a controller on the test
machine: boot to up, reboot, power-off, and the agent's systemd integration."""

import json
import time

from ..cluster import Cluster
from ..harness import Env, case, log, wait_for

AGENT = ("root", "image", "agent")


def up_cluster(env: Env, count=3, overlay_args=()):
    """Controller started, `count` container nodes booted; returns
    (cluster, nodes) once every node is up, recording boot-to-up times."""
    c = Cluster(env).__enter__()
    try:
        c.start_controller()
        nodes = c.containers(count, overlay_args)
        for n in nodes:
            n.start()
        for n in nodes:
            wait_for(f"{n.name} up in `herd status`", lambda: c.controller.node_state(n.name) == "up", timeout=90)
            n.up_after = time.monotonic() - n.started_at
            log(f"{n.name}: up after {n.up_after:.2f} s from the start of its boot")
        return c, nodes
    except BaseException as e:
        c.__exit__(type(e), e, e.__traceback__)
        raise


class running_cluster:
    """with running_cluster(env, 3) as (c, nodes): ... (takes it down after)."""

    def __init__(self, env, count=3, overlay_args=()):
        self.args = (env, count, overlay_args)

    def __enter__(self):
        self.cluster, nodes = up_cluster(*self.args)
        return self.cluster, nodes

    def __exit__(self, *exc):
        return self.cluster.__exit__(*exc)


@case(timeout=240, needs=AGENT)
def containers_up(env: Env):
    """Three container nodes boot, systemd starts herd-agent, and each shows
    up in `herd status` once (boot-to-up time recorded)."""
    with running_cluster(env, 3) as (c, nodes):
        env.record("container_boot_to_up_seconds", round(max(n.up_after for n in nodes), 2))
        status = c.controller.status()
        names = sorted(n["name"] for n in status["nodes"])
        assert names == ["node1", "node2", "node3"], names
        assert status["summary"]["up"] == 3, status["summary"]
        for n in nodes:
            assert n.unit_property("herd-agent", "ActiveState") == "active"


@case(timeout=240, needs=AGENT)
def container_reboot_rejoins(env: Env):
    """A rebooted diskless node comes back up under the same name: listed
    once, the others untouched."""
    with running_cluster(env, 3) as (c, nodes):
        n = nodes[0]
        n.reboot()
        n.wait_booted(timeout=90)
        wait_for(f"{n.name} up again", lambda: c.controller.node_state(n.name) == "up", timeout=60)
        env.record("container_reboot_to_up_seconds", round(time.monotonic() - n.started_at, 2))
        status = c.controller.status()
        names = sorted(x["name"] for x in status["nodes"])
        assert names == ["node1", "node2", "node3"], f"duplicate or lost node: {names}"
        assert status["summary"]["up"] == 3, status["summary"]
        check_event_log(c, ["node1", "node2", "node3"])


def check_event_log(c, names):
    """The controller's event log is whole: ids unique and increasing, and
    each node's up/down events alternating from its first up (an
    up after an up, or a down after a down, means one was lost)."""
    events = json.loads(c.controller.cli(["events", "--json"]).stdout)["events"]
    ids = [e["id"] for e in events]
    assert ids == sorted(set(ids)), f"event ids out of order or repeated: {ids}"
    for name in names:
        kinds = [e["kind"] for e in events if e["node"] == name and e["kind"] in ("node_up", "node_down")]
        assert kinds and kinds[0] == "node_up", f"{name}: {kinds}"
        assert all(a != b for a, b in zip(kinds, kinds[1:])), f"{name}: events lost: {kinds}"
        assert kinds[-1] == "node_up", f"{name} last seen going {kinds[-1]}"


@case(timeout=240, needs=AGENT)
def container_power_off_down(env: Env):
    """A container node killed outright (every process at once) is shown
    down within 3 s; the others stay up."""
    with running_cluster(env, 3) as (c, nodes):
        victim = nodes[1]
        killed = victim.power_off()
        wait_for(f"{victim.name} down", lambda: c.controller.node_state(victim.name) == "down",
                 timeout=10, interval=0.05)
        took = time.monotonic() - killed
        env.record("container_killed_to_down_seconds", round(took, 3))
        assert took <= 3.0, f"{victim.name} shown down after {took:.2f} s (limit 3 s)"
        others = {n.name: c.controller.node_state(n.name) for n in nodes if n is not victim}
        assert set(others.values()) == {"up"}, others


@case(timeout=180, needs=AGENT)
def agent_systemd_status(env: Env):
    """`systemctl status herd-agent`: active after READY=1, with a readable
    STATUS= line."""
    with running_cluster(env, 1) as (c, (n,)):
        assert n.unit_property("herd-agent", "Type") == "notify"
        assert n.unit_property("herd-agent", "ActiveState") == "active"
        assert n.unit_property("herd-agent", "SubState") == "running"
        text = n.unit_property("herd-agent", "StatusText")
        assert text and text.isprintable(), f"StatusText={text!r}"
        status = n.run(["systemctl", "status", "--no-pager", "herd-agent"], check=False).stdout
        assert f"Status: \"{text}\"" in status, status
        log(f"herd-agent STATUS: {text}")


WATCHDOG_DROPIN = """\
# e2e: the shipped unit's WatchdogSec (30 s) shortened so the case is quick
[Service]
WatchdogSec=3s
"""


@case(timeout=180, needs=AGENT)
def agent_watchdog_restart(env: Env):
    """An agent frozen with SIGSTOP misses its watchdog pings; systemd kills
    and restarts it, and the node is up again."""
    c_dir = env.e2e_dir / "runs"
    c_dir.mkdir(parents=True, exist_ok=True)
    dropin = c_dir / "watchdog-dropin.conf"
    dropin.write_text(WATCHDOG_DROPIN)
    overlay = ["--file", f"{dropin}:/etc/systemd/system/herd-agent.service.d/e2e-watchdog.conf"]
    with running_cluster(env, 1, overlay) as (c, (n,)):
        assert n.unit_property("herd-agent", "WatchdogUSec") == "3s"
        pid = n.unit_property("herd-agent", "MainPID")
        restarts = int(n.unit_property("herd-agent", "NRestarts"))
        n.run(["kill", "-STOP", pid])
        stopped = time.monotonic()
        wait_for("systemd to restart the frozen agent",
                 lambda: n.unit_property("herd-agent", "MainPID") not in (pid, "0")
                 and n.unit_property("herd-agent", "ActiveState") == "active", timeout=30)
        env.record("agent_sigstop_to_restarted_seconds", round(time.monotonic() - stopped, 2))
        assert int(n.unit_property("herd-agent", "NRestarts")) == restarts + 1
        journal = n.run(["journalctl", "-u", "herd-agent", "--no-pager"]).stdout
        assert "Watchdog timeout" in journal, journal[-2000:]
        wait_for(f"{n.name} up after the restart", lambda: c.controller.node_state(n.name) == "up", timeout=30)


# Fields any process gets by writing to stdout under systemd; a structured
# logger adds others (CODE_FILE, TID, its own).
PLAIN_FIELDS = {"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "SYSLOG_PID",
                "SYSLOG_TIMESTAMP", "SYSLOG_RAW", "INVOCATION_ID", "MESSAGE_ID"}


@case(timeout=180, needs=AGENT)
def agent_journal_fields(env: Env):
    """herd-agent logs to the journal natively, with structured fields beyond
    MESSAGE and PRIORITY."""
    with running_cluster(env, 1) as (c, (n,)):
        out = n.run(["journalctl", "-u", "herd-agent", "-o", "json", "--no-pager"]).stdout
        entries = [json.loads(line) for line in out.splitlines() if line.strip()]
        own = [e for e in entries if e.get("_COMM") == "herd-agent"]
        assert own, "no journal entries from the herd-agent process"
        extra = sorted({k for e in own for k in e if not k.startswith("_") and k not in PLAIN_FIELDS})
        assert extra, f"herd-agent entries carry no structured fields: {sorted(own[0])}"
        transport = {e.get("_TRANSPORT") for e in own}
        assert "journal" in transport, f"herd-agent logs via {transport}, not the journal API"
        log(f"herd-agent journal fields: {', '.join(extra)}")
