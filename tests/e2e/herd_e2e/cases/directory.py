"""The directory on booted container nodes: users and groups applied into
each node's real /etc, as NSS, sshd and logind see them; a rebooted
diskless node gets the current revision back by snapshot."""

import time

from ..harness import Env, case, log, wait_for
from ..users import Directory, check_nss, manager_state, user_key
from .agent import AGENT, check_event_log, running_cluster

ALICE, BOB, CAROL = 20001, 20002, 20003

# logind reads /var/lib/systemd/linger/ when it starts; on a diskless node
# the agent always writes the flag after that, so the agent tells logind
# (SetUserLinger) and the user's manager starts then.


def e2e_directory(keys_dir) -> Directory:
    """alice (lingering, an ssh key, two groups), bob; homes created."""
    alice_pub = user_key(keys_dir, "alice").with_suffix(".pub").read_text().strip()
    return (Directory(create_home=True)
            .group("e2e-users", 20000)
            .group("e2e-lab", 20010, members=["bob"])
            .user("alice", ALICE, "e2e-users", groups=["e2e-lab"], gecos="Alice E2E,Lab 1,,",
                  ssh_authorized_keys=[alice_pub], linger=True)
            .user("bob", BOB, "e2e-users", shell="/bin/sh"))


def check_user_files(node, d: Directory, keys_dir):
    """alice's key is where the image's sshd reads it, and logs her in;
    alice's linger flag is there and bob's is not."""
    facts = node.facts({
        "keys": "cat /etc/ssh/authorized_keys.d/alice",
        "keys_mode": "stat -c '%a %U %G' /etc/ssh/authorized_keys.d/alice",
        "sshd": "sshd -T -C user=alice,host=test,addr=10.77.0.1 | grep -i '^authorizedkeysfile'",
        "linger": "ls /var/lib/systemd/linger",
        "home": "stat -c '%U %G %a' /home/alice",
    })
    assert facts["keys"] == "\n".join(d.users["alice"]["ssh_authorized_keys"]), facts["keys"]
    assert facts["keys_mode"] == "640 root e2e-users", facts["keys_mode"]
    assert "/etc/ssh/authorized_keys.d/%u" in facts["sshd"].split(), f"sshd reads keys from: {facts['sshd']}"
    assert facts["linger"].split() == ["alice"], f"linger flags: {facts['linger']!r}"
    assert facts["home"] == "alice e2e-users 700", facts["home"]


def ssh_login(node, keys_dir):
    """alice logs in over ssh with her directory key."""
    who = node.ssh("alice", user_key(keys_dir, "alice"), ["id", "-un"]).stdout.strip()
    assert who == "alice", who


@case(timeout=240, needs=AGENT)
def container_directory(env: Env):
    """`herd directory apply` on the head node lands in the real /etc of 3
    container nodes: getent passwd/group/shadow and id inside each agree
    with the file; alice's ssh key lands in /etc/ssh/authorized_keys.d/%u,
    which the image's sshd reads (`sshd -T`), and logs her in over ssh;
    her linger flag is written and her user manager starts;
    `herd directory status` says 3/3 at the revision and `herd status`
    carries it."""
    with running_cluster(env, 3) as (c, nodes):
        names = [n.name for n in nodes]
        d = e2e_directory(c.keys_dir)
        path = d.write(c.run_dir / "directory.json")
        published = time.monotonic()
        rev = c.controller.apply_directory(path)
        c.controller.wait_directory(rev, names)
        env.record("container_directory_apply_to_converged_seconds", round(time.monotonic() - published, 2))
        text = c.controller.cli(["directory", "status"]).stdout
        assert f"3/3 nodes at revision {rev}" in text, text
        revs = {n["name"]: n.get("directory_revision") for n in c.controller.status()["nodes"]}
        assert revs == {name: rev for name in names}, f"herd status: {revs}"
        for n in nodes:
            check_nss(n, d)
            check_user_files(n, d, c.keys_dir)
        for n in nodes:
            wait_for(f"user@20001 (alice, lingering) to start on {n.name}",
                     lambda: manager_state(n, ALICE) == "active", timeout=10)
        for n in nodes:
            ssh_login(n, c.keys_dir)
        log(f"revision {rev}: 3 nodes, NSS, sshd and linger agree")


@case(timeout=240, needs=AGENT)
def container_reboot_directory(env: Env):
    """A rebooted diskless node comes back with the image's /etc (no managed
    user in it), its agent fetches the current revision by snapshot (not the
    older one it had applied before) and re-applies it: every user added
    anew, NSS agrees again, the node reports the current revision. Listed
    once, no event lost; the other nodes stay current. With linger, alice's
    user manager starts at boot, though logind started before the flag was
    written."""
    with running_cluster(env, 3) as (c, nodes):
        names = [n.name for n in nodes]
        d = e2e_directory(c.keys_dir)
        rev1 = c.controller.apply_directory(d.write(c.run_dir / "directory-1.json"))
        c.controller.wait_directory(rev1, names)
        d.user("carol", CAROL, "e2e-lab", groups=["e2e-users"])
        d.users["bob"]["gecos"] = "Bob, changed in revision 2"
        rev2 = c.controller.apply_directory(d.write(c.run_dir / "directory-2.json"))
        c.controller.wait_directory(rev2, names)

        n = nodes[0]
        image_passwd = (env.image_dir / "rootfs/etc/passwd").read_text()
        assert ":20001:" not in image_passwd, "the image itself carries a managed user"
        rebooted_ms = int(time.time() * 1000)
        n.reboot()
        n.wait_booted(timeout=90)
        wait_for(f"{n.name} up again", lambda: c.controller.node_state(n.name) == "up", timeout=60)

        def reapplied():
            st = c.controller.directory_status()
            row = next(x for x in st["nodes"] if x["node"] == n.name)
            return row if row.get("result_ms", 0) > rebooted_ms and row["state"] == "current" else None
        row = wait_for(f"{n.name} to re-apply after its reboot", reapplied, timeout=60)
        env.record("container_reboot_to_directory_applied_seconds", round(time.monotonic() - n.started_at, 2))
        result = row["result"]
        assert row["applied_revision"] == rev2 and row["result_revision"] == rev2, row
        assert result["applied"] and not result["errors"], result
        assert (result["users_added"], result["groups_added"]) == (len(d.users), len(d.groups)), \
            f"not applied onto the image's /etc: {result}"
        agent_log = n.run(["journalctl", "-b", "-u", "herd-agent", "--no-pager", "-o", "cat"]).stdout
        assert f"applying directory revision {rev2} " in agent_log, agent_log[-2000:]
        assert f"applying directory revision {rev1} " not in agent_log, \
            f"replayed revision {rev1} instead of fetching the snapshot: {agent_log[-2000:]}"
        check_nss(n, d)
        check_user_files(n, d, c.keys_dir)
        wait_for("user@20001 (alice, lingering) started at boot",
                 lambda: manager_state(n, ALICE) == "active", timeout=10)

        st = c.controller.wait_directory(rev2, names)
        assert f"3/3 nodes at revision {rev2}" in c.controller.cli(["directory", "status"]).stdout
        status = c.controller.status()
        assert sorted(x["name"] for x in status["nodes"]) == names, f"duplicate or lost node: {status['nodes']}"
        assert {x["name"]: x.get("directory_revision") for x in status["nodes"]} == {x: rev2 for x in names}
        assert [r["revision"] for r in st["revisions"]] == [rev2], st["revisions"]
        check_event_log(c, names)
