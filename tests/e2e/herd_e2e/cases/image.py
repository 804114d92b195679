"""The node image itself."""

import shutil
import tempfile
import time
from pathlib import Path

from ..harness import Env, case, log, run


@case(timeout=840, needs=("root", "build"))
def image(env: Env):
    """scripts/build-image builds the node image (with herd-agent when it is
    built); from an empty cache this includes debootstrap."""
    cmd = [env.script("scripts", "build-image"), "--out", env.image_dir]
    if env.binary("herd-agent"):
        cmd += ["--herd-build", env.build_dir]
    else:
        log("herd-agent is not built: image without the agent")
        cmd += ["--no-agent"]
    started = time.monotonic()
    p = run(cmd, timeout=830, capture_output=False)
    env.record("image_build_seconds", round(time.monotonic() - started, 1))
    values = env.image_env
    for key in ("ROOTFS_BYTES", "ROOTFS_BYTES_WITHOUT_AGENT", "INITRAMFS_BYTES",
                "INITRAMFS_BYTES_WITHOUT_AGENT", "AGENT_BINARY_BYTES"):
        if key in values:
            env.record(f"image_{key.lower()}", int(values[key]))
    assert (env.image_dir / "rootfs/lib/systemd/systemd").exists(), p


@case(timeout=300)
def image_warewulf_archive(env: Env):
    """herd-node.tar unpacks, through the same libraries Warewulf's
    `wwctl image import` uses (containers/image, umoci), to the image's root."""
    for tool in ("skopeo", "umoci"):
        if not shutil.which(tool):
            from ..harness import Skip
            raise Skip(f"{tool} is not installed (scripts/install-deps)")
    with tempfile.TemporaryDirectory(dir=env.e2e_dir) as tmp:
        layout = Path(tmp) / "oci"
        run(["skopeo", "copy", "--quiet", f"docker-archive:{env.image_dir / 'herd-node.tar'}",
             f"oci:{layout}:herd-node"], timeout=240)
        bundle = Path(tmp) / "bundle"
        run(["umoci", "raw", "unpack", "--image", f"{layout}:herd-node", bundle], timeout=240)
        rootfs = env.image_dir / "rootfs"
        diff = run(["diff", "-r", "--no-dereference", "-q", rootfs, bundle], check=False, timeout=240)
        differences = [line for line in diff.stdout.splitlines() if "character special" not in line]
        assert not differences, "archive differs from rootfs:\n" + "\n".join(differences[:20])
        assert (bundle / "sbin/init").is_symlink() and (bundle / "init").is_symlink()
        if env.image_env.get("AGENT") != "none":
            assert (bundle / "usr/bin/herd-agent").exists()
        assert not (bundle / "etc/herd/node.key").exists(), "a node secret key is in the common image"
