"""A free TCP port on 127.0.0.1 for a `kefu serve` a CLI test starts (shared by the tests)."""
import socket


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
