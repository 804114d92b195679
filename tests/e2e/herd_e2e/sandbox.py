"""What a run creates on the test machine, and how it is taken down again:
network namespaces (never the host's own network) and a cgroup per process
tree (so that killing a node or a whole run misses nothing).

Everything is named after the owning harness process, herd-e2e-PID, so a
later run can remove what a killed run left behind.
"""

import os
import re
import signal
import time
from pathlib import Path

from .harness import log, run

PREFIX = "herd-e2e-"
SUBNET = "10.77.0"          # inside the run's namespaces only
CONTROLLER_ADDRESS = f"{SUBNET}.1"


def cgroup2_root() -> Path:
    for p in (Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified")):
        if (p / "cgroup.controllers").exists():
            return p
    raise RuntimeError("no cgroup2 hierarchy is mounted")


def _v1_systemd_root() -> Path | None:
    p = Path("/sys/fs/cgroup/systemd")
    return p if (p / "cgroup.procs").exists() and cgroup2_root() != Path("/sys/fs/cgroup") else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Cgroups:
    """herd-e2e-PID/<child> cgroups: one per node or daemon."""

    def __init__(self, tag: str):
        self.rel = f"{PREFIX}{tag}"
        self.root = cgroup2_root() / self.rel
        self.root.mkdir(exist_ok=True)

    def path(self, child: str) -> str:
        """Relative to the cgroup2 root, as image/boot-container takes it."""
        return f"{self.rel}/{child}"

    def enter(self, child: str):
        """For preexec_fn: moves the calling process into the child cgroup."""
        d = self.root / child
        d.mkdir(exist_ok=True)
        (d / "cgroup.procs").write_text(str(os.getpid()))
        v1 = _v1_systemd_root()
        if v1:
            (v1 / self.path(child)).mkdir(parents=True, exist_ok=True)
            (v1 / self.path(child) / "cgroup.procs").write_text(str(os.getpid()))

    def populated(self, child: str | None = None) -> bool:
        d = self.root / child if child else self.root
        try:
            return "populated 1" in (d / "cgroup.events").read_text()
        except FileNotFoundError:
            return False

    def kill(self, child: str | None = None, timeout=10.0) -> float | None:
        """SIGKILL to every process below child (or the whole run), at once;
        returns when that happened (time.monotonic())."""
        return kill_tree(self.root / child if child else self.root, timeout)

    def remove(self):
        self.kill()
        remove_tree(self.root)
        v1 = _v1_systemd_root()
        if v1:
            remove_tree(v1 / self.rel)


def kill_tree(d: Path, timeout=10.0) -> float | None:
    """Kills every process below d; returns the monotonic time of the kill."""
    if not d.exists():
        return None
    (d / "cgroup.kill").write_text("1")
    killed = time.monotonic()
    deadline = time.monotonic() + timeout
    while "populated 1" in (d / "cgroup.events").read_text():
        if time.monotonic() > deadline:
            raise RuntimeError(f"processes in {d} survived cgroup.kill")
        time.sleep(0.01)
    return killed


def remove_tree(d: Path):
    if not d.exists():
        return
    for sub in sorted((p for p in d.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            sub.rmdir()
        except OSError:
            pass
    try:
        d.rmdir()
    except OSError as e:
        log(f"could not remove cgroup {d}: {e}")


class Net:
    """A controller namespace with a bridge, and per node either a namespace
    joined to it by a veth pair (containers) or a tap on the bridge (VMs).
    Links are created inside the namespaces, never in the host's."""

    def __init__(self, tag: str):
        self.tag = tag
        self.ctl = f"{PREFIX}{tag}-ctl"
        self.namespaces = []

    def ns(self, name: str) -> str:
        return f"{PREFIX}{self.tag}-{name}"

    def _add_ns(self, ns: str):
        run(["ip", "netns", "add", ns])
        self.namespaces.append(ns)
        run(["ip", "-n", ns, "link", "set", "lo", "up"])

    def setup(self):
        self._add_ns(self.ctl)
        run(["ip", "-n", self.ctl, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", self.ctl, "addr", "add", f"{CONTROLLER_ADDRESS}/24", "dev", "br0"])
        run(["ip", "-n", self.ctl, "link", "set", "br0", "up"])

    def add_container_link(self, node: str, mac: str) -> str:
        """Namespace for a container node: eth0 (with the node's MAC) there,
        its peer on the bridge."""
        ns = self.ns(node)
        self._add_ns(ns)
        peer = f"v{node}"[:15]
        run(["ip", "-n", self.ctl, "link", "add", peer, "type", "veth", "peer", "name", "eth0", "netns", ns])
        run(["ip", "-n", ns, "link", "set", "eth0", "address", mac])
        run(["ip", "-n", self.ctl, "link", "set", peer, "master", "br0", "up"])
        return ns

    def add_tap(self, node: str) -> str:
        tap = f"t{node}"[:15]
        run(["ip", "-n", self.ctl, "tuntap", "add", "dev", tap, "mode", "tap"])
        run(["ip", "-n", self.ctl, "link", "set", tap, "master", "br0", "up"])
        return tap

    def teardown(self):
        for ns in reversed(self.namespaces):
            run(["ip", "netns", "del", ns], check=False)
        self.namespaces.clear()


def remove_stale():
    """Takes down what runs killed before their own cleanup left: namespaces
    and cgroups named after a harness process that no longer exists."""
    owner = re.compile(rf"^{PREFIX}(\d+)(-|$)")
    stale = set()
    netns = Path("/run/netns")
    if netns.is_dir():
        for p in netns.iterdir():
            m = owner.match(p.name)
            if m and not _pid_alive(int(m.group(1))):
                stale.add(m.group(1))
    try:
        root = cgroup2_root()
    except RuntimeError:
        root = None
    if root:
        for p in root.iterdir():
            m = owner.match(p.name)
            if m and p.is_dir() and not _pid_alive(int(m.group(1))):
                stale.add(m.group(1))
    for tag in stale:
        log(f"removing what run {tag} left behind")
        if root and (root / f"{PREFIX}{tag}").exists():
            kill_tree(root / f"{PREFIX}{tag}")
            remove_tree(root / f"{PREFIX}{tag}")
            v1 = _v1_systemd_root()
            if v1:
                remove_tree(v1 / f"{PREFIX}{tag}")
        if netns.is_dir():
            for p in netns.iterdir():
                if p.name.startswith(f"{PREFIX}{tag}-"):
                    run(["ip", "netns", "del", p.name], check=False)


def terminate(proc, timeout=10.0):
    """Stops a Popen: SIGTERM, then SIGKILL after timeout."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except Exception:  # noqa: BLE001
        proc.kill()
        proc.wait(5)
