"""Nodes booted from the herd image: containers (systemd-nspawn) and VMs
(qemu), both started by the launchers in image/ and both with the same small
interface: start, wait_booted, run (a command inside), reboot, power_off."""

import os
import shlex
import subprocess
import time
from pathlib import Path

from .harness import Env, log, run, wait_for
from .sandbox import SUBNET

# What a command run inside a node sees.
NODE_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
            "SYSTEMD_PAGER": "cat", "SYSTEMD_COLORS": "0", "TERM": "dumb"}


class Node:
    kind = "node"

    def __init__(self, cluster, name: str, index: int):
        self.cluster = cluster
        self.env: Env = cluster.env
        self.name = name
        self.index = index
        self.address = f"{SUBNET}.{10 + index}"
        self.mac = f"52:54:00:77:00:{10 + index:02x}"
        self.dir = cluster.run_dir / "nodes" / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.overlay = self.dir / "overlay"
        self.console = self.dir / "console.log"
        self.proc = None
        self.started_at = None

    # -- identity ---------------------------------------------------------
    def make_overlay(self, extra_args=()):
        """The node's per-node overlay: name, agent config, its keypair, the
        controller's public key, its address."""
        c = self.cluster
        self.key = c.node_key(self.name)
        run([self.env.script("image", "node-overlay"), "--name", self.name, "--out", self.overlay,
             "--node-key", self.key, "--controller-pub", c.controller_pub,
             "--controller-endpoint", c.agent_endpoint, "--publish-endpoint", c.publish_endpoint,
             "--address", f"{self.address}/24", "--mac", self.mac,
             "--authorized-key", c.ssh_key.with_suffix(".pub"), *extra_args])
        host_key = (self.overlay / "root/etc/ssh/ssh_host_ed25519_key.pub").read_text().split()
        self.known_hosts = self.dir / "known_hosts"
        self.known_hosts.write_text(f"{self.address} {host_key[0]} {host_key[1]}\n")

    def ssh(self, user: str, key: Path, cmd, check=True, timeout=30) -> subprocess.CompletedProcess:
        """ssh USER@node from the controller's namespace with `key`, the
        node's host key pinned: a login the way a user makes one."""
        remote = " ".join(shlex.quote(str(a)) for a in cmd)
        return run(["ip", "netns", "exec", self.cluster.net.ctl, "ssh", "-F", "/dev/null", "-i", key,
                    "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", f"UserKnownHostsFile={self.known_hosts}",
                    "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=5",
                    f"{user}@{self.address}", remote], check=check, timeout=timeout)

    def as_user(self, user: str, cmd, check=True, timeout=30) -> subprocess.CompletedProcess:
        """cmd inside the node as USER, with the uid, primary and additional
        groups of the node's own passwd and group files (runuser: no login
        session)."""
        return self.run(["runuser", "-u", user, "--", *cmd], check=check, timeout=timeout)

    # -- inside the node --------------------------------------------------
    def sh(self, script: str, check=True, timeout=30) -> subprocess.CompletedProcess:
        return self.run(["sh", "-c", script], check=check, timeout=timeout)

    def system_state(self) -> str:
        p = self.run(["systemctl", "is-system-running"], check=False, timeout=10)
        return p.stdout.strip()

    def wait_booted(self, timeout) -> float:
        """Waits until systemd has finished booting (running or degraded);
        returns seconds since start. A degraded boot is logged with its
        failed units."""
        state = wait_for(f"{self.name} to finish booting",
                         lambda: self._booted_state(), timeout=timeout, interval=0.2)
        took = time.monotonic() - self.started_at
        if state == "degraded":
            failed = self.run(["systemctl", "--failed", "--no-legend", "--plain"], check=False).stdout
            log(f"{self.name}: booted degraded; failed units:\n{failed}")
        log(f"{self.name}: {state} after {took:.1f} s")
        return took

    def _booted_state(self):
        self.check_alive()
        try:
            state = self.system_state()
        except (RuntimeError, subprocess.TimeoutExpired):
            return None
        return state if state in ("running", "degraded") else None

    def check_alive(self):
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.name}: launcher exited {self.proc.returncode}; see {self.dir}")

    def facts(self, commands: dict) -> dict:
        """Runs each shell command inside the node in one call; returns
        their stripped outputs (stderr folded in) by key."""
        marker = "@@herd-e2e@@"
        script = "".join(f"echo '{marker}{key}'; ({cmd}) 2>&1\n" for key, cmd in commands.items())
        out = self.sh(script, check=False, timeout=60).stdout
        facts, key = {}, None
        for line in out.splitlines():
            if line.startswith(marker):
                key = line[len(marker):]
                facts[key] = []
            elif key is not None:
                facts[key].append(line)
        missing = set(commands) - set(facts)
        if missing:
            raise RuntimeError(f"{self.name}: no answer for {sorted(missing)}: {out[-1000:]}")
        return {k: "\n".join(v).strip() for k, v in facts.items()}

    def unit_property(self, unit, prop) -> str:
        return self.run(["systemctl", "show", "-P", prop, unit]).stdout.strip()

    def journal(self) -> str:
        return self.run(["journalctl", "-b", "--no-pager", "-o", "short-precise"], check=False, timeout=60).stdout

    # -- power ------------------------------------------------------------
    def power_off(self) -> float:
        """Pulls the plug: every process of the node (launcher, nspawn or
        qemu, everything inside) killed at once. Returns the time of the
        kill (time.monotonic())."""
        killed = self.cluster.cgroups.kill(self.name)
        if self.proc:
            self.proc.wait(10)
        return killed


class ContainerNode(Node):
    """systemd-nspawn over the shared image root, in a network namespace of
    the run joined to the controller's bridge by a veth pair."""

    kind = "container"

    def __init__(self, cluster, name, index):
        super().__init__(cluster, name, index)
        self.netns = cluster.net.add_container_link(name, self.mac)
        self.cgroup = cluster.cgroups.path(name)

    def start(self):
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            [self.env.script("image", "boot-container"), "--image", self.env.image_dir / "rootfs",
             "--overlay", self.overlay, "--name", self.name, "--netns", self.netns,
             "--console", self.console, "--cgroup", self.cgroup, "--state", self.dir / "state"],
            stdout=(self.dir / "launcher.log").open("ab"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)

    def leader(self) -> int | None:
        """PID (on the host) of the container's systemd."""
        procs = self.cluster.cgroups.root / self.name / "payload" / "init.scope" / "cgroup.procs"
        try:
            pids = procs.read_text().split()
        except FileNotFoundError:
            return None
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/status").read_text().split("NSpid:")[1].split("\n")[0].split()[-1] == "1":
                    return int(pid)
            except (FileNotFoundError, IndexError):
                continue
        return None

    def run(self, cmd, check=True, timeout=30) -> subprocess.CompletedProcess:
        pid = self.leader()
        if pid is None:
            raise RuntimeError(f"{self.name} is not running")
        return run(["nsenter", "-t", pid, "-a", "--", "env", "-i",
                    *[f"{k}={v}" for k, v in NODE_ENV.items()], *cmd],
                   check=check, timeout=timeout)

    def reboot(self):
        """`systemctl reboot` inside; the launcher boots it again on an empty
        writable layer."""
        old = self.leader()
        self.run(["systemctl", "reboot"], check=False)
        wait_for(f"{self.name} to go down for reboot", lambda: self.leader() != old, timeout=30)
        self.started_at = time.monotonic()



class VmNode(Node):
    """qemu booting vmlinuz + the image's initramfs + this node's overlay
    (appended), a tap on the controller's bridge, extra virtio disks."""

    kind = "vm"

    def __init__(self, cluster, name, index, disks=()):
        super().__init__(cluster, name, index)
        self.tap = cluster.net.add_tap(name)
        self.disks = list(disks)

    def start(self):
        self.started_at = time.monotonic()
        env = dict(os.environ, HERD_VM_ACCEL=self.cluster.vm_accel())
        cmd = [self.env.script("image", "boot-vm"), "--image", self.env.image_dir, "--overlay", self.overlay,
               "--name", self.name, "--console", self.console, "--netns", self.cluster.net.ctl,
               "--tap", self.tap, "--mac", self.mac, "--memory", "1024"]
        for d in self.disks:
            cmd += ["--disk", d]
        self.proc = subprocess.Popen(
            [str(c) for c in cmd], stdout=(self.dir / "launcher.log").open("ab"), stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, env=env, preexec_fn=lambda: self.cluster.cgroups.enter(self.name))

    def run(self, cmd, check=True, timeout=30) -> subprocess.CompletedProcess:
        c = self.cluster
        remote = " ".join(shlex.quote(str(a)) for a in ["env", "-i", *[f"{k}={v}" for k, v in NODE_ENV.items()], *cmd])
        return run(["ip", "netns", "exec", c.net.ctl, "ssh", "-F", "/dev/null", "-i", c.ssh_key,
                    "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={self.known_hosts}",
                    "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=5",
                    f"root@{self.address}", remote], check=check, timeout=timeout)

    def boots(self) -> int:
        try:
            return self.console.read_text(errors="replace").count("Run /init as init process")
        except FileNotFoundError:
            return 0

    def reboot(self):
        before = self.boots()
        self.run(["systemctl", "reboot"], check=False)
        wait_for(f"{self.name} to boot again", lambda: self.boots() > before, timeout=120)
        self.started_at = time.monotonic()



def make_disk(path: Path, fs: str, size_mib: int, label: str):
    """A raw disk image holding one file system with quota support: ext4 with
    the quota feature (user and group), or XFS (quota is a mount option)."""
    with open(path, "wb") as f:
        f.truncate(size_mib << 20)
    if fs == "ext4":
        run(["mkfs.ext4", "-q", "-F", "-L", label, "-O", "quota", "-E", "quotatype=usrquota:grpquota", path])
    elif fs == "xfs":
        run(["mkfs.xfs", "-q", "-f", "-L", label, path])
    else:
        raise ValueError(fs)

