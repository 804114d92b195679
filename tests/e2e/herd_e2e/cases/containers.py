"""Container nodes (systemd-nspawn) booted from the image, before the agent
is involved: boot, identity from the per-node overlay, network."""

from ..cluster import Cluster
from ..harness import Env, case, log
from ..sandbox import CONTROLLER_ADDRESS


@case(timeout=180)
def containers_boot(env: Env):
    """Three container nodes boot the one image to multi-user with systemd as
    PID 1, each with its own name, address and secret key from its overlay."""
    with Cluster(env) as c:
        nodes = c.containers(3)
        for n in nodes:
            n.start()
        times = [n.wait_booted(timeout=90) for n in nodes]
        env.record("container_boot_to_multi_user_seconds", round(max(times), 2))
        image_root = env.image_dir / "rootfs"
        assert not (image_root / "etc/herd/node.key").exists(), "a node secret key is in the common image"
        for n in nodes:
            assert n.run(["cat", "/proc/1/comm"]).stdout.strip() == "systemd"
            assert n.run(["hostname"]).stdout.strip() == n.name
            assert n.run(["stat", "-fc", "%T", "/sys/fs/cgroup"]).stdout.strip() == "cgroup2fs"
            own = n.run(["cat", "/etc/herd/node.key"]).stdout
            assert own == n.key.read_text(), f"{n.name} does not carry its own key"
            assert n.run(["stat", "-c", "%a %U", "/etc/herd/node.key"]).stdout.split() == ["600", "root"]
            others = [m for m in nodes if m is not n and m.key.read_text() == own]
            assert not others, f"{n.name} carries the key of {[m.name for m in others]}"
            addr = n.run(["ip", "-4", "-o", "addr", "show", "eth0"]).stdout
            assert f"{n.address}/24" in addr, addr
            # The controller's address answers on the bridge (ARP, then a
            # refused TCP connection: nothing listens on 9 there).
            probe = n.run(["bash", "-c", f"exec 3<>/dev/tcp/{CONTROLLER_ADDRESS}/9"], check=False)
            assert "refused" in probe.stderr, f"{n.name} cannot reach {CONTROLLER_ADDRESS}: {probe.stderr}"
            if env.image_env.get("AGENT") != "none":
                assert n.run(["systemctl", "is-enabled", "herd-agent"]).stdout.strip() == "enabled"
        log("3 nodes, one image, three identities")


@case(timeout=180)
def container_reboot_forgets(env: Env):
    """A container node rebooted from inside comes back from the image and
    its overlay alone: what it wrote before is gone, its identity is not."""
    with Cluster(env) as c:
        (n,) = c.containers(1)
        n.start()
        n.wait_booted(timeout=90)
        # Containers share the host's boot_id; a diskless node gets a new
        # machine id at every boot (the image's is empty).
        machine_id = n.run(["cat", "/etc/machine-id"]).stdout
        n.sh("echo written > /var/lib/herd-e2e-marker; echo written > /etc/herd-e2e-marker")
        n.reboot()
        n.wait_booted(timeout=90)
        assert n.run(["cat", "/etc/machine-id"]).stdout != machine_id
        left = n.sh("ls /var/lib/herd-e2e-marker /etc/herd-e2e-marker 2>/dev/null", check=False).stdout.strip()
        assert not left, f"survived the reboot: {left}"
        assert n.run(["hostname"]).stdout.strip() == n.name
        assert n.run(["cat", "/etc/herd/node.key"]).stdout == n.key.read_text()
