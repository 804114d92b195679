"""The herd side of a run: keys, the controller (in the run's controller
namespace) and the CLI."""

import json
import subprocess
from pathlib import Path

from .harness import Env, log, run, wait_for
from .sandbox import CONTROLLER_ADDRESS, Cgroups, Net, terminate

AGENT_PORT = 7701
PUBLISH_PORT = 7702


def gen_keypair(env: Env, out_dir: Path, name: str) -> Path:
    """`herd keys gen --out DIR/NAME`: DIR/NAME.key (secret) and DIR/NAME.pub.
    Before the CLI exists (image-only cases) a CURVE pair from libzmq stands
    in, so the overlay still carries a per-node secret to check."""
    out_dir.mkdir(parents=True, exist_ok=True)
    herd = env.binary("herd")
    if herd:
        run([herd, "keys", "gen", "--out", out_dir / name])
    else:
        import zmq
        public, secret = zmq.curve_keypair()
        (out_dir / f"{name}.pub").write_text(public.decode() + "\n")
        key = out_dir / f"{name}.key"
        key.touch(mode=0o600)
        key.write_text(f"# {name}\n{secret.decode()}\n")
    return out_dir / f"{name}.key"


class Controller:
    """herd-controller run by hand in the controller namespace (the head node
    of the test), with its own keys directory, database and query socket."""

    def __init__(self, env: Env, net: Net, cgroups: Cgroups, run_dir: Path):
        self.env, self.net, self.cgroups = env, net, cgroups
        self.dir = run_dir / "controller"
        self.keys_dir = self.dir / "keys"
        self.keys_dir.mkdir(parents=True, exist_ok=True)
        self.key = gen_keypair(env, self.dir, "controller")
        self.public_key = self.dir / "controller.pub"
        self.socket = f"ipc://{self.dir}/controller.sock"
        self.config = self.dir / "controller.toml"
        self.cli_config = self.dir / "cli.toml"
        self.log = self.dir / "controller.log"
        self.proc = None

    @property
    def agent_endpoint(self):
        return f"tcp://{CONTROLLER_ADDRESS}:{AGENT_PORT}"

    @property
    def publish_endpoint(self):
        return f"tcp://{CONTROLLER_ADDRESS}:{PUBLISH_PORT}"

    def enrol(self, node_pub: Path, node: str):
        (self.keys_dir / f"{node}.pub").write_bytes(node_pub.read_bytes())

    def start(self):
        self.config.write_text(
            f'agent_endpoint = "tcp://*:{AGENT_PORT}"\n'
            f'publish_endpoint = "tcp://*:{PUBLISH_PORT}"\n'
            f'query_socket = "{self.socket}"\n'
            f'key = "{self.key}"\n'
            f'keys_dir = "{self.keys_dir}"\n'
            f'state_db = "{self.dir}/controller.db"\n'
            f'down_after = "3s"\n')
        self.cli_config.write_text(f'socket = "{self.socket}"\n')
        binary = self.env.binary("herd-controller")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.net.ctl, str(binary), "--config", str(self.config)],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=lambda: self.cgroups.enter("controller"))
        wait_for("the controller to answer `herd status`", self._answers, timeout=20)
        log(f"controller up in {self.net.ctl}, {self.agent_endpoint}")

    def _answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"herd-controller exited {self.proc.returncode}; see {self.log}")
        return self.cli(["status", "--json"], check=False).returncode == 0

    def cli(self, args, check=True, timeout=10) -> subprocess.CompletedProcess:
        return run([self.env.binary("herd"), "--config", self.cli_config, *args], check=check, timeout=timeout)

    def status(self) -> dict:
        return json.loads(self.cli(["status", "--json"]).stdout)

    def node(self, name) -> dict | None:
        matches = [n for n in self.status()["nodes"] if n["name"] == name]
        if len(matches) > 1:
            raise AssertionError(f"node {name} listed {len(matches)} times")
        return matches[0] if matches else None

    def node_state(self, name) -> str | None:
        n = self.node(name)
        return n["state"] if n else None

    def json(self, args, timeout=10):
        """`herd ARGS --json` on the head node, parsed."""
        return json.loads(self.cli([*args, "--json"], timeout=timeout).stdout)

    # -- the directory ----------------------------------------------------
    def apply_directory(self, path: Path) -> int:
        """`herd directory apply FILE` (root, head node): the new revision."""
        change = self.json(["directory", "apply", path])
        assert change["valid"], f"{path} refused: {change['errors']}"
        assert change.get("revision"), f"{path}: no new revision stored: {change}"
        log(f"directory revision {change['revision']} published from {path.name}")
        return change["revision"]

    def directory_status(self) -> dict:
        return self.json(["directory", "status"])

    def wait_directory(self, revision: int, names, timeout=30) -> dict:
        """Waits until every node of `names` has acknowledged `revision` as
        applied (`current`); returns the status. A node that failed fails
        the wait at once, with its errors."""
        def converged():
            st = self.directory_status()
            nodes = {n["node"]: n for n in st["nodes"]}
            for name in names:
                n = nodes.get(name)
                if n and n["state"] == "failed" and n.get("result_revision") == revision:
                    raise AssertionError(f"{name} refused revision {revision}: {n.get('result')}")
            if st["current_revision"] == revision and all(
                    nodes.get(name, {}).get("state") == "current" and nodes[name].get("applied_revision") == revision
                    for name in names):
                return st
            return None
        return wait_for(f"{', '.join(names)} at directory revision {revision}", converged, timeout=timeout)

    def stop(self):
        terminate(self.proc)
