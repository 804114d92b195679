"""Directory files for the cases (docs/directory.md; written as JSON, which
the directory loader reads like YAML), and what a node must then say about
its users: NSS (getent, id), key files, linger, user managers."""

import json
from pathlib import Path

from .harness import run

UID_RANGE = [20000, 29999]


class Directory:
    """A herd directory built in Python: .user(), .group(), .write(PATH)."""

    def __init__(self, **settings):
        self.settings = {"managed_uid_range": UID_RANGE, "managed_gid_range": UID_RANGE, **settings}
        self.users: dict[str, dict] = {}
        self.groups: dict[str, dict] = {}

    def group(self, name, gid, members=()):
        self.groups[name] = {"name": name, "gid": gid, "members": list(members)}
        return self

    def user(self, name, uid, primary_group, groups=(), **fields):
        self.users[name] = {"name": name, "uid": uid, "primary_group": primary_group,
                            "groups": list(groups), **fields}
        return self

    def write(self, path: Path) -> Path:
        doc = {**self.settings, "groups": list(self.groups.values()), "users": list(self.users.values())}
        path.write_text(json.dumps(doc, indent=2) + "\n")
        return path

    # -- what NSS must answer on a node -----------------------------------
    def gid(self, group: str) -> int:
        return self.groups[group]["gid"]

    def passwd_line(self, name: str) -> str:
        u = self.users[name]
        return ":".join([name, "x", str(u["uid"]), str(self.gid(u["primary_group"])), u.get("gecos", ""),
                         u.get("home", f"/home/{name}"), u.get("shell", "/bin/bash")])

    def members(self, group: str) -> set:
        """Members listed in the group file: `members`, then every user
        naming the group in its `groups`."""
        named = {u["name"] for u in self.users.values() if group in u["groups"]}
        return set(self.groups[group]["members"]) | named

    def id_groups(self, name: str) -> set:
        """(gid, name) pairs `id USER` lists: primary and additional."""
        u = self.users[name]
        names = {u["primary_group"], *u["groups"]}
        names |= {g for g in self.groups if name in self.groups[g]["members"]}
        return {(self.gid(g), g) for g in names}


def parse_id(text: str) -> dict:
    """`id USER` -> {"uid": (20001, "alice"), "gid": (...), "groups": {(gid, name), ...}}."""
    out = {}
    for part in text.split():
        key, _, value = part.partition("=")
        pairs = set()
        for item in value.split(","):
            num, _, name = item.partition("(")
            pairs.add((int(num), name.rstrip(")")))
        out[key] = pairs if key == "groups" else next(iter(pairs))
    return out


def check_nss(node, d: Directory):
    """getent passwd/group and id, run inside the node, agree with the
    directory for every user and group of it (one round trip)."""
    commands = {}
    for name in d.users:
        commands[f"passwd {name}"] = f"getent passwd {name}"
        commands[f"shadow {name}"] = f"getent shadow {name} | cut -d: -f1"
        commands[f"id {name}"] = f"id {name}"
    for name in d.groups:
        commands[f"group {name}"] = f"getent group {name}"
    facts = node.facts(commands)
    problems = []
    for name, u in d.users.items():
        if facts[f"passwd {name}"] != d.passwd_line(name):
            problems.append(f"getent passwd {name}: {facts[f'passwd {name}']!r}, file says {d.passwd_line(name)!r}")
        if facts[f"shadow {name}"] != name:
            problems.append(f"getent shadow {name}: {facts[f'shadow {name}']!r}")
        try:
            ids = parse_id(facts[f"id {name}"])
            want = {"uid": (u["uid"], name), "gid": (d.gid(u["primary_group"]), u["primary_group"]),
                    "groups": d.id_groups(name)}
            if ids != want:
                problems.append(f"id {name}: {facts[f'id {name}']!r}, file says {want}")
        except ValueError:
            problems.append(f"id {name}: {facts[f'id {name}']!r}")
    for name, g in d.groups.items():
        fields = facts[f"group {name}"].split(":")
        if len(fields) != 4 or fields[0] != name or fields[2] != str(g["gid"]) or \
                set(filter(None, fields[3].split(","))) != d.members(name):
            problems.append(f"getent group {name}: {facts[f'group {name}']!r}, file says gid {g['gid']} "
                            f"members {sorted(d.members(name))}")
    assert not problems, f"{node.name}: NSS disagrees with the directory:\n  " + "\n  ".join(problems)


def user_key(keys_dir: Path, user: str) -> Path:
    """An ssh key pair for USER (the private half stays on the test side)."""
    key = keys_dir / f"{user}_ssh"
    if not key.exists():
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{user}@herd-e2e", "-f", key])
    return key


def manager_state(node, uid: int) -> str:
    """ActiveState of user@UID.service on the node."""
    return node.run(["systemctl", "show", "-P", "ActiveState", f"user@{uid}.service"]).stdout.strip()
