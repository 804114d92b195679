"""A test cluster: the run's namespaces and cgroups, keys, the controller and
the nodes, taken down in reverse whatever happens. On failure the run's
directory (consoles, launcher and controller logs, node journals) is kept
under build/e2e/artifacts/ and its path printed."""

import os
import shutil
import subprocess
import time
from pathlib import Path

from .harness import Env, log, run
from .herd import Controller, gen_keypair
from .nodes import ContainerNode, VmNode
from .sandbox import CONTROLLER_ADDRESS, Cgroups, Net, remove_stale

_vm_accel = None


class Cluster:
    def __init__(self, env: Env):
        self.env = env
        self.tag = str(os.getpid())
        self.run_dir = env.e2e_dir / "runs" / env.case_name
        self.nodes = []
        self.controller = None
        self.net = None
        self.cgroups = None

    # -- set-up -----------------------------------------------------------
    def __enter__(self):
        remove_stale()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        self.keys_dir = self.run_dir / "keys"
        self.cgroups = Cgroups(self.tag)
        self.net = Net(self.tag)
        self.net.setup()
        self.ssh_key = self.keys_dir / "e2e_ssh"
        self.keys_dir.mkdir()
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "herd-e2e", "-f", self.ssh_key])
        if self.env.binary("herd-controller"):
            self.controller = Controller(self.env, self.net, self.cgroups, self.run_dir)
            self.controller_pub = self.controller.public_key
        else:
            gen_keypair(self.env, self.keys_dir, "controller")
            self.controller_pub = self.keys_dir / "controller.pub"
        self.agent_endpoint = f"tcp://{CONTROLLER_ADDRESS}:7701"
        self.publish_endpoint = f"tcp://{CONTROLLER_ADDRESS}:7702"
        return self

    def node_key(self, name) -> Path:
        """The node's keypair; its public half enrolled with the controller."""
        key = gen_keypair(self.env, self.keys_dir / "nodes", name)
        if self.controller:
            self.controller.enrol(key.with_suffix(".pub"), name)
        return key

    def containers(self, count, overlay_args=()):
        nodes = []
        for i in range(count):
            n = ContainerNode(self, f"node{len(self.nodes) + 1}", len(self.nodes) + 1)
            n.make_overlay(overlay_args)
            self.nodes.append(n)
            nodes.append(n)
        return nodes

    def vm(self, name="vm1", disks=(), overlay_args=()):
        n = VmNode(self, name, 50 + len(self.nodes), disks)
        n.make_overlay(overlay_args)
        self.nodes.append(n)
        return n

    def vm_accel(self) -> str:
        """kvm or tcg, probed once a process (image/boot-vm --probe-accel)."""
        global _vm_accel
        if _vm_accel is None:
            _vm_accel = os.environ.get("HERD_VM_ACCEL") or run(
                [self.env.script("image", "boot-vm"), "--probe-accel", "--image", self.env.image_dir]).stdout.strip()
            log(f"VMs run with {_vm_accel}")
            self.env.record("vm_accel", _vm_accel)
        return _vm_accel

    def start_controller(self):
        self.controller.start()

    # -- take-down --------------------------------------------------------
    def __exit__(self, exc_type, exc, tb):
        failed = exc_type is not None
        keep = failed or os.environ.get("HERD_E2E_KEEP") == "1"
        if failed:
            self._collect()
        try:
            if self.controller:
                self.controller.stop()
            if self.cgroups:
                self.cgroups.remove()
        finally:
            if self.net:
                self.net.teardown()
        if keep:
            kept = self.env.e2e_dir / "artifacts" / f"{self.env.case_name}-{time.strftime('%Y%m%d-%H%M%S')}"
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(self.run_dir), kept)
            print(f"e2e artifacts (node consoles, journals, logs) kept in: {kept}", flush=True)
        else:
            shutil.rmtree(self.run_dir, ignore_errors=True)
        return False

    def _collect(self):
        """Journals of the nodes still up, while they are."""
        for n in self.nodes:
            try:
                (n.dir / "journal.txt").write_text(n.journal())
            except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                (n.dir / "journal.txt").write_text(f"(no journal: {e})\n")
        if self.controller:
            try:
                (self.run_dir / "status.json").write_text(self.controller.cli(["status", "--json"], check=False).stdout)
            except (subprocess.SubprocessError, OSError):
                pass
