#!/usr/bin/python3
"""An independent herd client, written from docs/protocol.md alone, with
pyzmq and msgpack (Debian: python3-zmq, python3-msgpack).

It is both the example the protocol document points to and a test: run by
ctest, it starts a real herd-controller, enrols a key it generates itself,
speaks the agent protocol (hello, welcome, heartbeats, ticks) and the query
protocol (status_query, events_query, error), and checks the answers.

    tests/python/herd_client.py BUILD_DIR
"""
import os
import subprocess
import sys
import tempfile
import time
import tomllib

import msgpack
import zmq

PROTOCOL = [1, 0]


def frame(msg_type, sender, seq, body):
    """One herd message: a MessagePack map, the envelope plus its body."""
    return msgpack.packb({"version": PROTOCOL, "type": msg_type, "sender": sender, "seq": seq,
                          "time_ms": int(time.time() * 1000), "body": body})


def unframe(data):
    message = msgpack.unpackb(data, raw=False)
    assert message["version"][0] == PROTOCOL[0], message
    return message


def read_key_file(path):
    """herd key files are TOML: name, public_key and (in NAME.key) secret_key, Z85."""
    with open(path, "rb") as f:
        return tomllib.load(f)


def write_key_files(directory, name):
    public, secret = zmq.curve_keypair()
    with open(os.path.join(directory, name + ".pub"), "w") as f:
        f.write(f'name = "{name}"\npublic_key = "{public.decode()}"\n')
    return public, secret


def main(build):
    work = tempfile.mkdtemp(prefix="herd-python-")
    keys = os.path.join(work, "keys")
    os.makedirs(keys)
    subprocess.run([os.path.join(build, "cli/herd"), "keys", "gen", "--out", os.path.join(work, "controller")],
                   check=True, stdout=subprocess.DEVNULL)
    node = "py-node"
    public, secret = write_key_files(keys, node)  # enrolled: NAME.pub in keys_dir
    stranger_public, stranger_secret = zmq.curve_keypair()  # not enrolled

    sock_path = os.path.join(work, "controller.sock")
    ports = []
    for _ in range(2):
        s = zmq.Context.instance().socket(zmq.REP)
        ports.append(s.bind_to_random_port("tcp://127.0.0.1"))
        s.close(0)
    with open(os.path.join(work, "controller.toml"), "w") as f:
        f.write(f'agent_endpoint = "tcp://127.0.0.1:{ports[0]}"\n'
                f'publish_endpoint = "tcp://127.0.0.1:{ports[1]}"\n'
                f'query_socket = "ipc://{sock_path}"\n'
                f'key = "{work}/controller.key"\nkeys_dir = "{keys}"\nstate_db = "{work}/state.db"\n'
                'metrics_listen = ""\n')  # tests run in parallel: no fixed /metrics port
    log = open(os.path.join(work, "controller.log"), "w")
    controller = subprocess.Popen([os.path.join(build, "controller/herd-controller"), "--config",
                                   os.path.join(work, "controller.toml")], stdout=log, stderr=log)
    try:
        run(work, ports, sock_path, node, public, secret, stranger_public, stranger_secret)
    finally:
        controller.terminate()
        controller.wait(10)
    print("python client: all checks passed")


def run(work, ports, sock_path, node, public, secret, stranger_public, stranger_secret):
    ctx = zmq.Context.instance()
    server_public = read_key_file(os.path.join(work, "controller.pub"))["public_key"].encode()

    def agent_sockets(pub, sec):
        dealer = ctx.socket(zmq.DEALER)
        sub = ctx.socket(zmq.SUB)
        for s in (dealer, sub):
            s.curve_serverkey = server_public
            s.curve_publickey = pub
            s.curve_secretkey = sec
            s.linger = 0
        sub.setsockopt(zmq.SUBSCRIBE, b"all/")
        sub.setsockopt(zmq.SUBSCRIBE, f"node/{node}/".encode())
        dealer.connect(f"tcp://127.0.0.1:{ports[0]}")
        sub.connect(f"tcp://127.0.0.1:{ports[1]}")
        return dealer, sub

    dealer, sub = agent_sockets(public, secret)
    stranger_dealer, stranger_sub = agent_sockets(stranger_public, stranger_secret)

    # hello -> welcome
    hello = {"agent_version": "python", "hostname": "py", "instance": 1, "boot_time_ms": 0, "cpus": 1,
             "heartbeat_interval_ms": 1000}
    dealer.send(frame("hello", node, 1, hello))
    stranger_dealer.send(frame("hello", "stranger", 1, hello))
    assert dealer.poll(10000), "no welcome"
    welcome = unframe(dealer.recv())
    assert welcome["type"] == "welcome" and welcome["sender"] == "controller", welcome
    epoch = welcome["body"]["epoch"]

    # ticks arrive on the publish channel as [topic, message]
    assert sub.poll(5000), "no tick"
    topic, data = sub.recv_multipart()
    tick = unframe(data)
    assert topic == b"all/" and tick["type"] == "tick" and tick["body"]["epoch"] == epoch, tick

    # heartbeats keep the node up
    heartbeat = {"uptime_ms": 1234, "load": [0.5, 0.25, 0.125], "mem_total_bytes": 1 << 30,
                 "mem_available_bytes": 1 << 29, "swap_total_bytes": 0, "swap_free_bytes": 0}
    dealer.send(frame("heartbeat", node, 2, heartbeat))

    # queries: DEALER to the ipc socket, one frame each way
    query = ctx.socket(zmq.DEALER)
    query.linger = 0
    query.connect(f"ipc://{sock_path}")

    def ask(msg_type, body):
        query.send(frame(msg_type, "python", 1, body))
        assert query.poll(5000), "no reply to " + msg_type
        return unframe(query.recv())

    status = None
    for _ in range(50):
        status = ask("status_query", {})
        if status["body"]["summary"]["up"] == 1:
            break
        time.sleep(0.1)
    assert status["type"] == "status_reply", status
    nodes = status["body"]["nodes"]
    assert [n["name"] for n in nodes] == [node], nodes  # the stranger was never admitted
    assert nodes[0]["state"] == "up" and nodes[0]["load"] == [0.5, 0.25, 0.125], nodes
    assert nodes[0]["hostname"] == "py"

    events = ask("events_query", {"node": node})["body"]["events"]
    assert [e["kind"] for e in events] == ["node_up"], events

    # An admin command, from the documented messages alone.
    reply = ask("maintenance_set", {"on": True, "nodes": [node], "all": False, "reason": "from python"})
    if os.geteuid() == 0:
        assert reply["type"] == "maintenance_reply", reply
        assert reply["body"]["nodes"][0]["change"] == "started", reply
        status = ask("status_query", {})["body"]
        assert status["nodes"][0]["maintenance"]["reason"] == "from python", status
        assert status["summary"]["maintenance"] == 1, status
        events = ask("events_query", {"node": node})["body"]["events"]
        assert events[-1]["kind"] == "maintenance_on" and events[-1]["reason"] == "from python", events
    else:
        assert reply["type"] == "error" and reply["body"]["code"] == "forbidden", reply

    error = ask("no_such_query", {})
    assert error["type"] == "error" and error["body"]["code"] == "bad_request", error

    # the stranger got nothing: no welcome, no ticks
    assert not stranger_dealer.poll(500) and not stranger_sub.poll(100), "unenrolled key got an answer"


if __name__ == "__main__":
    main(sys.argv[1])
