"""`kefu cti connect ami|esl`: the socket side of the switch adapters, against fake
Asterisk (AMI) and FreeSWITCH (ESL) servers replaying recorded event streams."""
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading

from test_cli import KEFU, run

AMI_STREAM = "\r\n".join([
    "Response: Success", "Message: Authentication accepted", "",
    "Event: QueueCallerJoin", "Privilege: agent,all", "Channel: PJSIP/trunk-00000011", "CallerIDNum: 13800138000",
    "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101", "Queue: inbound", "Position: 1", "Count: 1", "",
    "Event: AgentCalled", "Privilege: agent,all", "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
    "Queue: inbound", "Interface: Local/1001@agents/n", "MemberName: 张三", "",
    "Event: AgentConnect", "Privilege: agent,all", "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
    "Queue: inbound", "MemberName: 张三", "Interface: Local/1001@agents/n", "RingTime: 6", "HoldTime: 8", "",
    "Event: AgentComplete", "Privilege: agent,all", "Uniqueid: 1780448400.101", "Linkedid: 1780448400.101",
    "Queue: inbound", "MemberName: 张三", "Interface: Local/1001@agents/n", "HoldTime: 8", "TalkTime: 180", "Reason: caller", "",
    "Event: QueueCallerJoin", "Privilege: agent,all", "CallerIDNum: 13900139000",
    "Uniqueid: 1780448700.201", "Linkedid: 1780448700.201", "Queue: inbound", "Position: 1", "Count: 1", "",
    "Event: QueueCallerAbandon", "Privilege: agent,all", "CallerIDNum: 13900139000",
    "Uniqueid: 1780448700.201", "Linkedid: 1780448700.201", "Queue: inbound", "Position: 1", "OriginalPosition: 1", "HoldTime: 15", "",
    "",
])


def fake_switch(greeting, expect, stream, refuse=None):
    """A one-connection server: sends `greeting`, waits for `expect` in what the client
    sends, then replays `stream` (or `refuse` if the login is wrong) and closes."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    received = []

    def serve():
        conn, _ = srv.accept()
        conn.sendall(greeting.encode())
        data = b""
        while b"\n\n" not in data.replace(b"\r\n", b"\n"):
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        received.append(data.decode())
        conn.sendall((stream if expect in data.decode() else refuse).encode())
        conn.close()
        srv.close()

    threading.Thread(target=serve, daemon=True).start()
    return srv.getsockname()[1], received


def stored_events(path):
    with sqlite3.connect(path) as c:
        return [r[0] for r in c.execute("SELECT type FROM cti_events ORDER BY seq")]


def test_ami_connect_stores_the_recorded_stream():
    d = tempfile.mkdtemp()
    db = f"sqlite://{d}/ami.sqlite"
    run(["migrate", "--yes"], db)
    port, received = fake_switch("Asterisk Call Manager/6.0.0\r\n", "Secret: s3cret", AMI_STREAM)
    p = subprocess.run([KEFU, "cti", "connect", "ami", "--host", "127.0.0.1", "--port", str(port), "--username", "kefu",
                        "--secret", "s3cret", "--once"], env=dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error"),
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Action: Login" in received[0] and "Username: kefu" in received[0]
    types = stored_events(f"{d}/ami.sqlite")
    assert types.count("enqueued") == 2 and "answered" in types and "completed" in types and "abandoned" in types


def test_ami_wrong_secret_is_reported():
    d = tempfile.mkdtemp()
    db = f"sqlite://{d}/ami.sqlite"
    run(["migrate", "--yes"], db)
    port, _ = fake_switch("Asterisk Call Manager/6.0.0\r\n", "Secret: right", AMI_STREAM,
                          refuse="Response: Error\r\nMessage: Authentication failed\r\n\r\n")
    p = subprocess.run([KEFU, "cti", "connect", "ami", "--host", "127.0.0.1", "--port", str(port), "--username", "kefu",
                        "--secret", "wrong", "--once"], env=dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error"),
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode != 0
    assert "Authentication failed" in p.stdout + p.stderr


def esl_event(headers):
    body = "".join(f"{k}: {v}\n" for k, v in headers) + "\n"
    return f"Content-Length: {len(body.encode())}\nContent-Type: text/event-plain\n\n{body}"


def test_esl_connect_stores_mod_callcenter_events():
    d = tempfile.mkdtemp()
    db = f"sqlite://{d}/esl.sqlite"
    run(["migrate", "--yes"], db)
    member = "5b2d7c6e-0000-4000-8000-000000000001"
    base = [("Event-Name", "CUSTOM"), ("Event-Subclass", "callcenter%3A%3Ainfo"), ("CC-Queue", "inbound%40default")]
    stream = "Content-Type: command/reply\nReply-Text: %2BOK%20accepted\n\n" + \
        esl_event(base + [("CC-Action", "member-queue-start"), ("CC-Member-UUID", member), ("CC-Member-Session-UUID", member),
                          ("CC-Member-CID-Number", "13800138000")]) + \
        esl_event(base + [("CC-Action", "bridge-agent-start"), ("CC-Agent", "1001%40default"), ("CC-Member-UUID", member),
                          ("CC-Member-Session-UUID", member)]) + \
        esl_event(base + [("CC-Action", "bridge-agent-end"), ("CC-Agent", "1001%40default"), ("CC-Member-UUID", member),
                          ("CC-Member-Session-UUID", member), ("CC-Hangup-Cause", "NORMAL_CLEARING")])
    port, received = fake_switch("Content-Type: auth/request\n\n", "auth ClueCon", stream,
                                 refuse="Content-Type: command/reply\nReply-Text: -ERR invalid\n\n")
    p = subprocess.run([KEFU, "cti", "connect", "esl", "--host", "127.0.0.1", "--port", str(port), "--secret", "ClueCon", "--once"],
                       env=dict(os.environ, DATABASE_URL=db, LOG_LEVEL="error"), capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stdout + p.stderr
    types = stored_events(f"{d}/esl.sqlite")
    assert "enqueued" in types and "answered" in types, types
