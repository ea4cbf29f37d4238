"""Throwaway Redis servers for the tests of the cache's faults: one we can stop, restart from its snapshot, or
replace by a server that accepts connections and never answers."""

import socket
import subprocess
import threading
import time
from pathlib import Path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """redis-server on a free port keeping its snapshot in `folder` (written only when asked: `snapshot()`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _answers(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def command(self, *words):
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            sock.sendall((f"*{len(words)}\r\n" + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)).encode())
            return sock.recv(1024)

    def snapshot(self):
        assert self.command("SAVE").startswith(b"+OK")

    def stop(self):
        """Gone without writing anything: it comes back from its last snapshot, as Redis restarts."""
        if self.process is not None:
            try:
                self.command("SHUTDOWN", "NOSAVE")
            except OSError:
                pass
            self.process.wait(timeout=10)
            self.process = None


class HungServer:
    """Accepts connections on a free port and never answers a byte: a Redis that hangs."""

    def __init__(self):
        self.port = free_port()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(64)
        self.connections = []
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.connections.append(connection)

    def close(self):
        self.sock.close()
        for connection in self.connections:
            connection.close()
