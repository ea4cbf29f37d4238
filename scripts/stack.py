"""The production stack that `make bench` and `make load` start, and wrk to measure it: shared by both scripts.

PostgreSQL (the server on 127.0.0.1:5432, or a throwaway cluster), Redis when one answers, gunicorn with the
production settings, nginx for a static baseline; everything started is stopped again by Stack.close().
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def logger(prefix):
    def log(message):
        print(f"[{prefix}] {message}", file=sys.stderr, flush=True)

    return log


log = logger("stack")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command, env=None, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, text=True, **kwargs)


def ensure_tools(tools):
    """`tools`: {command: Debian package}. Installs what is missing when root, or says what to install."""
    missing = [package for tool, package in tools.items() if not shutil.which(tool)]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        log(f"installing {' '.join(missing)} from Debian's packages")
        run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL)
        run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
            stdout=subprocess.DEVNULL,
        )
    elif missing:
        sys.exit(f"needs {' and '.join(missing)}: apt-get install {' '.join(missing)}")


class Tiers:
    """Two machines on one: the cores split between the edge tier (Varnish, and the readers' load generator) and the
    app tier (gunicorn, PostgreSQL, Redis, the newsroom's staff), as production keeps them on separate machines.

    Without it, on a small machine, the readers' load generator and Varnish answering it at full speed take every
    core, and a page the edge refetches waits for CPU behind them: what is measured is the sharing, not the site.
    `apply()` puts this process (so everything it starts from then on) on the app cores, and the PostgreSQL and
    Redis servers already running too, until `restore()`; `edge()` is a preexec_fn that moves a child to the edge
    cores. On one core there is nothing to split, and nothing is done."""

    def __init__(self):
        cpus = sorted(os.sched_getaffinity(0))
        half = len(cpus) // 2
        self.app, self.edge_cpus = set(cpus[:half]), set(cpus[half:])
        self.saved = {}

    @property
    def split(self):
        return bool(self.app)

    def describe(self):
        if not self.split:
            return "one core: the edge and the app share it"
        return (
            f"edge tier (Varnish, the readers) on CPU {_cpus(self.edge_cpus)}; app tier (gunicorn, PostgreSQL, "
            f"Redis, the newsroom) on CPU {_cpus(self.app)}"
        )

    def apply(self):
        if not self.split:
            return
        os.sched_setaffinity(0, self.app)
        for name in ("postgres", "redis-server"):
            pids = subprocess.run(["pgrep", "-x", name], capture_output=True, text=True).stdout.split()
            for pid in pids:
                for task in Path(f"/proc/{pid}/task").glob("*"):
                    try:
                        self.saved.setdefault(int(task.name), os.sched_getaffinity(int(task.name)))
                        os.sched_setaffinity(int(task.name), self.app)
                    except OSError:  # gone meanwhile, or not ours to move: it keeps sharing every core
                        pass

    def restore(self):
        for tid, cpus in self.saved.items():
            try:
                os.sched_setaffinity(tid, cpus)
            except OSError:
                pass
        self.saved.clear()

    def edge(self):
        if self.split:
            os.sched_setaffinity(0, self.edge_cpus)


def _cpus(cpus):
    return ",".join(str(cpu) for cpu in sorted(cpus))


class Stack:
    """Everything a run starts, stopped in reverse order whatever happens."""

    def __init__(self, prefix):
        self.cleanups = []
        self.edges = {}
        self.tmp = Path(tempfile.mkdtemp(prefix=f"newsroom-{prefix}."))
        os.chmod(self.tmp, 0o755)

    def close(self):
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as error:  # keep stopping the rest
                log(f"cleanup failed: {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def postgres(self):
        """The server's URL without a database name."""
        answers = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "select 1", "postgres"],
            capture_output=True,
            text=True,
        )
        if answers.returncode == 0:
            return "postgres://postgres@127.0.0.1:5432"
        log("no PostgreSQL on 127.0.0.1:5432: starting a throwaway cluster")
        throwaway = str(ROOT / "scripts" / "pg-throwaway")
        out = run([throwaway], capture_output=True).stdout
        values = dict(part.split("=", 1) for part in out.replace("export ", "").split())
        self.cleanups.append(lambda: run([throwaway, "stop", values["PG_THROWAWAY_DIR"]]))
        return values["DATABASE_URL"].rsplit("/", 1)[0]

    def fresh_database(self, server, name, keep=False):
        """Create database `name` on `server`; True when it already existed and `keep` asked to reuse it."""
        exists = (
            subprocess.run(
                ["psql", f"{server}/postgres", "-Atc", f"select 1 from pg_database where datname = '{name}'"],
                capture_output=True,
                text=True,
            ).stdout.strip()
            == "1"
        )
        if keep and exists:
            return True
        run(
            ["psql", f"{server}/postgres", "-qc", f"drop database if exists {name}"],
            stdout=subprocess.DEVNULL,
        )
        run(["psql", f"{server}/postgres", "-qc", f"create database {name}"], stdout=subprocess.DEVNULL)
        return False

    def redis_url(self, database):
        try:
            with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return f"redis://127.0.0.1:6379/{database}"
        except OSError:
            pass
        return ""

    def gunicorn(self, env, port, workers, extra=()):
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "newsroom.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                *extra,
            ],
            cwd=ROOT,
            env=env,
        )
        self.cleanups.append(lambda: (process.send_signal(signal.SIGTERM), process.wait(timeout=30)))
        wait_for(f"http://127.0.0.1:{port}/")
        return process

    def varnish(self, env, backend, listen, preexec_fn=None):
        """Varnish from deploy/varnish.vcl in front of `backend`, answering on `listen`; its purge address."""
        subprocess.run([str(ROOT / "scripts" / "ensure-varnish")], check=True)
        process = subprocess.Popen(
            [PYTHON, "manage.py", "edge", "--backend", backend, "--listen", listen],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            preexec_fn=preexec_fn,
        )
        self.cleanups.append(
            lambda: process.poll() is None and (process.send_signal(signal.SIGTERM), process.wait(30))
        )
        url = f"http://{listen}/"
        self.edges[url] = process
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": "-"})
                with urllib.request.urlopen(request, timeout=1):
                    return url
            except OSError:
                time.sleep(0.2)
        sys.exit("Varnish did not answer within 30 s")

    def stop_varnish(self, url):
        process = self.edges.pop(url)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    def nginx(self, html, workers):
        port = free_port()
        root = self.tmp / "static"
        root.mkdir()
        (root / "article.html").write_bytes(html)
        os.chmod(root, 0o755)
        os.chmod(root / "article.html", 0o644)
        user = "user root;" if os.geteuid() == 0 else ""
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            f"""{user}
worker_processes {workers};
pid {self.tmp}/nginx.pid;
error_log {self.tmp}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  types {{ text/html html; }}
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location / {{ }}
  }}
}}
"""
        )
        run(["nginx", "-c", str(conf), "-p", str(self.tmp)])
        self.cleanups.append(lambda: run(["nginx", "-c", str(conf), "-p", str(self.tmp), "-s", "quit"]))
        wait_for(f"http://127.0.0.1:{port}/article.html")
        return port


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer within {seconds} s")


def django_env(database_url, cache_url, **extra):
    """The production settings (DEBUG off, a real secret) on plain HTTP at 127.0.0.1."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-secret-key-4f9b2c7e1a8d6f3b5e0c9a7d2b4f6e8a",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "false",
        "COOKIES_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "BENCHMARK": "true",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        **extra,
    }
    if cache_url:
        env["CACHE_URL"] = cache_url
    else:
        env.pop("CACHE_URL", None)
        env.pop("REDIS_URL", None)
    return env


def wrk(base, script, *, threads, connections, duration, timeout=2, preexec_fn=None):
    """One wrk run with a Lua `script`; the figures of its summary, and its whole output."""
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            f"--timeout={timeout}s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=preexec_fn,
    ).stdout
    figures = {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "non_2xx_3xx": 0,
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "output": output,
    }
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        figures["non_2xx_3xx"] = int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        figures["socket_errors"] = dict(
            zip(("connect", "read", "write", "timeout"), map(int, match.groups()), strict=True)
        )
    figures["errors"] = figures["non_2xx_3xx"] + sum(figures["socket_errors"].values())
    return figures


def _ms(text):
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
