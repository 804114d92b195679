"""Case registry, preconditions and the runner behind tests/e2e/run.

A case is a function decorated with @case; it gets an Env and raises on
failure. Skip (exit 77, ctest's SKIP_RETURN_CODE) carries a printed reason.
"""

import json
import os
import shutil
import signal
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

SKIP = 77


class Skip(Exception):
    """The case cannot run here; the message says why."""


class CaseTimeout(Exception):
    """The case overran its own deadline (set below ctest's TIMEOUT so that
    cleanup still runs)."""


@dataclass
class Case:
    name: str
    func: Callable
    timeout: int
    needs: tuple
    doc: str


CASES: dict[str, Case] = {}


def case(timeout=180, needs=("root", "image")):
    """Registers a case. needs: preconditions checked before it runs:
    root, image (built by the `image` case), agent (herd binaries built and
    in the image), vm (qemu)."""
    def register(func):
        name = func.__name__
        CASES[name] = Case(name, func, timeout, tuple(needs), (func.__doc__ or "").strip())
        return func
    return register


CONTAINER_TOOLS = ("systemd-nspawn", "unshare", "nsenter", "ip", "cpio", "zstd", "ssh-keygen")
BUILD_TOOLS = ("debootstrap", "apt-get", "dpkg-deb", "depmod", "cpio", "zstd")
VM_TOOLS = ("qemu-system-x86_64", "ssh", "mkfs.xfs", "mkfs.ext4")


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


@dataclass
class Env:
    source_dir: Path
    build_dir: Path
    case_name: str = ""
    metrics: dict = field(default_factory=dict)

    @property
    def e2e_dir(self) -> Path:
        return self.build_dir / "e2e"

    @property
    def image_dir(self) -> Path:
        return self.e2e_dir / "image"

    @property
    def image_env(self) -> dict:
        path = self.image_dir / "image.env"
        if not path.exists():
            return {}
        values = {}
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            values[key] = value.strip('"')
        return values

    def script(self, *parts) -> str:
        return str(self.source_dir.joinpath(*parts))

    def binary(self, name) -> Path | None:
        """An executable of this build (build/agent/herd-agent, ...)."""
        for sub in ("agent", "controller", "cli", "bin", "."):
            path = self.build_dir / sub / name
            if path.is_file() and os.access(path, os.X_OK):
                return path
        return None

    def record(self, key, value):
        """A measured figure, kept in build/e2e/metrics.json for docs."""
        self.metrics[key] = value
        log(f"metric {key} = {value}")



def missing_tools(tools):
    return [t for t in tools if shutil.which(t) is None]


def check_needs(env: Env, needs):
    if "root" in needs and os.geteuid() != 0:
        raise Skip("the e2e tier needs root (network namespaces, systemd-nspawn, qemu)")
    tools = list(CONTAINER_TOOLS)
    if "build" in needs:
        tools += BUILD_TOOLS
    if "vm" in needs:
        tools += VM_TOOLS
    missing = missing_tools(tools)
    if missing:
        raise Skip(f"missing tools: {' '.join(missing)} (scripts/install-deps installs them)")
    if "image" in needs and not (env.image_dir / "rootfs").is_dir():
        raise Skip(f"no node image in {env.image_dir} (the e2e.image test builds it)")
    if "agent" in needs:
        absent = [b for b in ("herd-agent", "herd-controller", "herd") if env.binary(b) is None]
        if absent:
            raise Skip(f"not built yet: {' '.join(absent)}")
        if env.image_env.get("AGENT") == "none":
            raise Skip("the node image was built without herd-agent (rebuild: the e2e.image test)")


def _on_deadline(signum, frame):
    raise CaseTimeout("case deadline reached")


def _on_term(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def save_metrics(env: Env):
    if not env.metrics:
        return
    path = env.e2e_dir / "metrics.json"
    data = {}
    if path.exists():
        try:
            data = json.loads(path.read_text())
        except ValueError:
            data = {}
    data.update(env.metrics)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def run_case(env: Env, c: Case) -> int:
    env.case_name = c.name
    try:
        check_needs(env, c.needs)
    except Skip as e:
        print(f"SKIP {c.name}: {e}", flush=True)
        return SKIP
    signal.signal(signal.SIGALRM, _on_deadline)
    signal.signal(signal.SIGTERM, _on_term)
    signal.alarm(c.timeout)
    started = time.monotonic()
    log(f"case {c.name}: {c.doc.splitlines()[0] if c.doc else ''}")
    try:
        c.func(env)
    except Skip as e:
        print(f"SKIP {c.name}: {e}", flush=True)
        return SKIP
    except BaseException as e:  # noqa: BLE001 - report everything, incl. timeouts
        traceback.print_exc()
        print(f"FAIL {c.name} after {time.monotonic() - started:.1f} s: {e}", flush=True)
        return 1
    finally:
        signal.alarm(0)
        save_metrics(env)
    print(f"PASS {c.name} in {time.monotonic() - started:.1f} s", flush=True)
    return 0


def main(argv=None):
    import argparse
    from . import cases  # noqa: F401 - registers the cases

    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description="herd end-to-end cases on booted nodes")
    parser.add_argument("--source-dir", type=Path, default=here.parent.parent)
    parser.add_argument("--build-dir", type=Path, default=here.parent.parent / "build")
    parser.add_argument("--list", action="store_true", help="print the case names, one a line")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args(argv)
    if args.list:
        for name in CASES:
            print(name)
        return 0
    unknown = [n for n in args.cases if n not in CASES]
    if unknown or not args.cases:
        parser.error(f"cases: {' '.join(CASES)}" + (f" (unknown: {' '.join(unknown)})" if unknown else ""))
    env = Env(args.source_dir.resolve(), args.build_dir.resolve())
    results = [run_case(env, CASES[n]) for n in args.cases]
    if any(r not in (0, SKIP) for r in results):
        return 1
    return SKIP if all(r == SKIP for r in results) else 0


def run(cmd, check=True, timeout=60, **kw) -> subprocess.CompletedProcess:
    """subprocess.run with text output captured, and the command and its
    output in the exception when it fails."""
    kw.setdefault("capture_output", True)
    p = subprocess.run([str(c) for c in cmd], text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {p.returncode}: "
                           f"{(p.stderr or '').strip()[-2000:]} {(p.stdout or '').strip()[-500:]}")
    return p


def wait_for(what, predicate, timeout, interval=0.2):
    """Polls predicate() until it returns a true value; returns that value.
    Raises TimeoutError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
