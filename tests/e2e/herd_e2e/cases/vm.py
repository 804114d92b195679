"""VM nodes: the image booted diskless under qemu with the Debian kernel,
quota-enabled disks and the unified cgroup hierarchy."""

import time

from ..cluster import Cluster
from ..harness import Env, case, log, wait_for
from ..nodes import make_disk

# Mounted from the VM node's overlay, as Warewulf's per-node fstab would.
VM_FSTAB = """\
LABEL=herd-scratch /scratch xfs  uquota,x-systemd.device-timeout=60s  0 0
LABEL=herd-home    /home    ext4 usrquota,grpquota,x-systemd.device-timeout=60s  0 0
"""


def quota_vm(c: Cluster, name="vm1", overlay_args=()):
    """A VM node with an XFS disk (user quota) on /scratch and an ext4 disk
    (user and group quota) on /home."""
    xfs, ext4 = c.run_dir / f"{name}-scratch.img", c.run_dir / f"{name}-home.img"
    make_disk(xfs, "xfs", 320, "herd-scratch")
    make_disk(ext4, "ext4", 64, "herd-home")
    fstab = c.run_dir / f"{name}.fstab"
    fstab.write_text(VM_FSTAB)
    return c.vm(name, disks=[xfs, ext4], overlay_args=["--fstab", fstab, *overlay_args])


@case(timeout=420, needs=("root", "image", "vm"))
def vm_boot(env: Env):
    """A VM node boots the image from its initramfs (systemd as /init), mounts
    XFS with user quota and ext4 with quota, and runs on cgroup v2 with the
    memory and cpu controllers. With herd built, its agent shows up in the
    controller's status."""
    with Cluster(env) as c:
        with_agent = c.controller is not None and env.image_env.get("AGENT") != "none"
        if with_agent:
            c.start_controller()
        vm = quota_vm(c)
        vm.start()
        took = vm.wait_booted(timeout=300)
        env.record(f"vm_boot_to_multi_user_seconds_{c.vm_accel()}", round(took, 1))
        # One round trip: every ssh handshake costs seconds under TCG.
        facts = vm.facts({
            "hostname": "hostname",
            "root_fs": "findmnt -no FSTYPE /",
            "scratch": "findmnt -no FSTYPE,OPTIONS /scratch",
            "home": "findmnt -no FSTYPE,OPTIONS /home",
            "repquota_scratch": "repquota -u /scratch",
            "repquota_home": "repquota -u /home",
            "cgroup_fs": "stat -fc %T /sys/fs/cgroup",
            "controllers": "cat /sys/fs/cgroup/cgroup.controllers",
            "failed_units": "systemctl --failed --no-legend --plain",
        })
        assert facts["hostname"] == "vm1", facts
        assert facts["root_fs"] in ("rootfs", "tmpfs"), facts
        for mount, fs in (("scratch", "xfs"), ("home", "ext4")):
            fstype, options = (facts[mount].split() + ["", ""])[:2]
            assert fstype == fs and "usrquota" in options.split(","), f"/{mount}: {facts[mount]}"
            assert "root" in facts[f"repquota_{mount}"], facts[f"repquota_{mount}"]
        assert facts["cgroup_fs"] == "cgroup2fs", facts
        assert {"cpu", "memory", "pids"} <= set(facts["controllers"].split()), facts["controllers"]
        assert not facts["failed_units"], f"failed units: {facts['failed_units']}"
        if with_agent:
            wait_for("vm1 up in `herd status`", lambda: c.controller.node_state("vm1") == "up", timeout=60)
            log(f"vm1 up after {time.monotonic() - vm.started_at:.1f} s from the start of its boot")
        else:
            log("herd not built: the VM's agent is not checked")
