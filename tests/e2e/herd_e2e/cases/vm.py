"""VM nodes: the image booted diskless under qemu with the Debian kernel,
quota-enabled disks and the unified cgroup hierarchy; disk quota limits set
by the directory and usage reported per user, and user slices' limits.

A VM boots in 40-90 s under TCG, so one case boots one VM and checks it all,
in phases, each ending in one ssh round trip where it can."""

import json
import time

from ..cluster import Cluster
from ..harness import Env, case, log, wait_for
from ..nodes import make_disk
from ..users import Directory

# Mounted from the VM node's overlay, as Warewulf's per-node fstab would.
VM_FSTAB = """\
LABEL=herd-scratch /scratch xfs  uquota,x-systemd.device-timeout=60s  0 0
LABEL=herd-home    /home    ext4 usrquota,grpquota,x-systemd.device-timeout=60s  0 0
"""


# The VM's agent reports both quota filesystems and the user slices
# (docs/collectors.md).
VM_AGENT_CONFIG = """\
[collectors]
mounts = ["/scratch", "/home"]
cgroups = true
user_units = true
[[collectors.quota]]
path = "/scratch"
[[collectors.quota]]
path = "/home"
"""


def quota_vm(c: Cluster, name="vm1", overlay_args=()):
    """A VM node with an XFS disk (user quota) on /scratch and an ext4 disk
    (user and group quota) on /home; its agent reports their quotas."""
    xfs, ext4 = c.run_dir / f"{name}-scratch.img", c.run_dir / f"{name}-home.img"
    make_disk(xfs, "xfs", 320, "herd-scratch")
    make_disk(ext4, "ext4", 64, "herd-home")
    fstab = c.run_dir / f"{name}.fstab"
    fstab.write_text(VM_FSTAB)
    agent = c.run_dir / f"{name}-agent.toml"
    agent.write_text(VM_AGENT_CONFIG)
    return c.vm(name, disks=[xfs, ext4], overlay_args=["--fstab", fstab, "--agent-append", agent, *overlay_args])


@case(timeout=600, needs=("root", "image", "vm"))
def vm_quotas(env: Env):
    """A VM node boots the image from its initramfs (systemd as /init), mounts
    XFS with user quota and ext4 with quota, and runs on cgroup v2 with the
    memory and cpu controllers; its agent shows up in the controller's
    status. Then (with herd built): disk_quota limits of a directory applied
    through the controller are in force on /scratch (XFS) and /home (ext4) as
    `repquota` and `quota` read them inside the VM; files written there by
    alice and by bob are counted for each, and `herd quota list` shows the
    same limits and usage per user (root on the head node: `--all`; each
    user on the VM through the agent's socket: only their own); a MemoryMax
    on alice's user-UID.slice (systemctl set-property) shows in its slices."""
    with Cluster(env) as c:
        with_agent = c.controller is not None and env.image_env.get("AGENT") != "none"
        if with_agent:
            c.start_controller()
        vm = quota_vm(c)
        vm.start()
        took = vm.wait_booted(timeout=300)
        env.record(f"vm_boot_to_multi_user_seconds_{c.vm_accel()}", round(took, 1))
        check_vm_boot(vm)
        if not with_agent:
            log("herd not built: the VM's agent and quotas are not checked")
            return
        wait_for("vm1 up in `herd status`", lambda: c.controller.node_state("vm1") == "up", timeout=60)
        env.record(f"vm_boot_to_up_seconds_{c.vm_accel()}", round(time.monotonic() - vm.started_at, 1))
        check_vm_quotas(env, c, vm)


def check_vm_boot(vm):
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


KiB, MiB = 1024, 1024 * 1024
ALICE, BOB = 20001, 20002
# Limits (bytes, inodes) per user and file system, and what each user writes.
LIMITS = {
    ("alice", "/scratch"): (40 * MiB, 50 * MiB, 1000, 2000),
    ("alice", "/home"): (8 * MiB, 10 * MiB, 500, 600),
    ("bob", "/scratch"): (20 * MiB, 30 * MiB, 300, 400),
    ("bob", "/home"): (4 * MiB, 6 * MiB, 100, 200),
}
WRITTEN = {("alice", "/scratch"): 12 * MiB, ("alice", "/home"): 3 * MiB,
           ("bob", "/scratch"): 5 * MiB, ("bob", "/home"): 1 * MiB}
# Besides the files written: the user's directory, and in /home the
# skeleton files (a few blocks).
SLACK = 256 * KiB
MEMORY_MAX = 256 * MiB


def quota_directory() -> Directory:
    d = Directory(create_home=True, managed_user_directories=["/scratch/%u"]).group("e2e-users", 20000)
    for name, uid in (("alice", ALICE), ("bob", BOB)):
        d.user(name, uid, "e2e-users", disk_quota=[
            {"path": path, "bytes_soft": f"{bs // MiB}Mi", "bytes_hard": f"{bh // MiB}Mi",
             "inodes_soft": isoft, "inodes_hard": ihard}
            for (user, path), (bs, bh, isoft, ihard) in LIMITS.items() if user == name])
    return d


def repquota_rows(text: str) -> dict:
    """`repquota -u` lines of users under their limits: name -> (KiB used,
    KiB soft, KiB hard, files, files soft, files hard)."""
    rows = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) == 8 and f[1] == "--" and all(x.isdigit() for x in f[2:]):
            rows[f[0]] = tuple(int(x) for x in f[2:])
    return rows


def check_vm_quotas(env: Env, c: Cluster, vm):
    d = quota_directory()
    rev = c.controller.apply_directory(d.write(c.run_dir / "directory.json"))
    st = c.controller.wait_directory(rev, ["vm1"], timeout=60)
    result = next(n for n in st["nodes"] if n["node"] == "vm1")["result"]
    assert not result["warnings"] and not result["errors"], f"apply on vm1: {result}"

    # Users write; alice's slice gets a MemoryMax and her manager runs (it
    # makes user-20001.slice); then everything is read back, in one trip.
    writes = "".join(f"runuser -u {user} -- dd if=/dev/zero of={path}/{user}/blob bs=64K "
                     f"count={size // (64 * KiB)} conv=fsync status=none\n"
                     for (user, path), size in WRITTEN.items())
    facts = vm.facts({
        "writes": f"set -e\n{writes}echo written",
        "memory_max": f"systemctl set-property user-{ALICE}.slice MemoryMax={MEMORY_MAX} && "
                      f"systemctl start user@{ALICE}.service && "
                      f"cat /sys/fs/cgroup/user.slice/user-{ALICE}.slice/memory.max",
        "repquota /scratch": "repquota -u /scratch",
        "repquota /home": "repquota -u /home",
        "quota alice": "quota -u -w alice",
    })
    assert facts["writes"] == "written", facts["writes"]
    assert facts["memory_max"] == str(MEMORY_MAX), facts["memory_max"]
    for path in ("/scratch", "/home"):
        rows = repquota_rows(facts[f"repquota {path}"])
        for user in ("alice", "bob"):
            bs, bh, isoft, ihard = LIMITS[(user, path)]
            assert user in rows, f"repquota {path}: no row for {user}:\n{facts[f'repquota {path}']}"
            used, soft, hard, _files, fsoft, fhard = rows[user]
            assert (soft, hard, fsoft, fhard) == (bs // KiB, bh // KiB, isoft, ihard), \
                f"repquota {path} {user}: limits {rows[user]}, directory says {LIMITS[(user, path)]}"
            written = WRITTEN[(user, path)] // KiB
            assert written <= used <= written + SLACK // KiB, f"repquota {path} {user}: {used} KiB used, wrote {written}"
    # quota(1) names the devices: alice's line on each shows her limits.
    lines = [line.split() for line in facts["quota alice"].splitlines()]
    for path in ("/scratch", "/home"):
        bs, bh, isoft, ihard = LIMITS[("alice", path)]
        want = [str(bs // KiB), str(bh // KiB), str(isoft), str(ihard)]
        assert any(f[0].startswith("/dev/") and [f[2], f[3], f[5], f[6]] == want for f in lines if len(f) >= 7), \
            f"quota -u alice: no line with the limits of {path} ({want}):\n{facts['quota alice']}"
    kib_used = {(user, path): repquota_rows(facts[f"repquota {path}"])[user][0]
                for (user, path) in WRITTEN}

    # The head node's view, once the agent reported it.
    last = {}

    def reported():
        doc = last["doc"] = c.controller.json(["quota", "list", "--all"])
        rows = {(r["quota"]["uid"], r["filesystem"]["path"]): r for r in doc["rows"] if r.get("node") == "vm1"}
        slices = {s["slice"]["uid"]: s["slice"] for s in doc["slices"] if s["node"] == "vm1"}
        ok = all(rows.get((uid, path), {}).get("quota", {}).get("bytes_used", 0) >= WRITTEN[(user, path)]
                 for (user, path), uid in ((k, ALICE if k[0] == "alice" else BOB) for k in WRITTEN))
        ok = ok and slices.get(ALICE, {}).get("memory_max_bytes") == MEMORY_MAX
        return (doc, rows, slices) if ok else None
    written_at = time.monotonic()
    try:
        doc, rows, slices = wait_for("vm1's usage and slice limit in `herd quota list --all`", reported, timeout=60,
                                     interval=1)
    except TimeoutError as e:
        node = c.controller.cli(["node", "show", "vm1"], check=False).stdout
        raise AssertionError(f"{e}; the last answer was:\n{json.dumps(last.get('doc'), indent=1)[:6000]}\n"
                             f"herd node show vm1:\n{node}") from None
    env.record("vm_quota_written_to_reported_seconds", round(time.monotonic() - written_at, 1))
    for (user, path), (bs, bh, isoft, ihard) in LIMITS.items():
        uid = ALICE if user == "alice" else BOB
        r = rows[(uid, path)]
        q = r["quota"]
        assert r["filesystem"]["kind"] == ("xfs" if path == "/scratch" else "ext4"), r
        assert (q.get("bytes_soft"), q.get("bytes_hard"), q.get("inodes_soft"), q.get("inodes_hard")) == \
            (bs, bh, isoft, ihard), f"herd quota list, {user} on {path}: {q}"
        assert abs(q["bytes_used"] - kib_used[(user, path)] * KiB) < KiB, \
            f"herd quota list, {user} on {path}: {q['bytes_used']} bytes used, repquota says {kib_used[(user, path)]} KiB"
    assert slices[ALICE]["memory_max_bytes"] == MEMORY_MAX, slices

    # Each user on the VM, through the agent's socket: their own rows only.
    mine = vm.facts({user: f"runuser -u {user} -- herd quota list --json" for user in ("alice", "bob")})
    for user, uid in (("alice", ALICE), ("bob", BOB)):
        own = json.loads(mine[user])
        uids = {r["quota"]["uid"] for r in own["rows"]} | {s["slice"]["uid"] for s in own["slices"]}
        assert uids == {uid}, f"{user} sees quota rows of {uids}: {own}"
        assert {r["filesystem"]["path"] for r in own["rows"] if r.get("node") == "vm1"} == {"/scratch", "/home"}, own
    assert [s["slice"].get("memory_max_bytes") for s in json.loads(mine["alice"])["slices"]] == [MEMORY_MAX]
    log("vm1: quota limits from the directory in force on XFS and ext4; usage per user and the slice's "
        "MemoryMax reported")
