"""Running Varnish in front of the app from the repo's VCL (deploy/varnish.vcl): `manage.py edge`, the benchmark
scripts and the end-to-end tests all start it here.

Debian's `varnish` and `varnish-modules` (for xkey) provide it; `ensure_installed` installs them with apt-get when
run as root, as the browser tests do with Chromium.
"""

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from . import conf

VCL = Path(settings.BASE_DIR) / "deploy" / "varnish.vcl"
VARNISHD = os.environ.get("VARNISHD", "/usr/sbin/varnishd")


def ensure_installed():
    """True when varnishd and the xkey module are there (installed now if we may); False otherwise."""
    if _installed():
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True, env=environment)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "varnish", "varnish-modules"],
            check=False,
            capture_output=True,
            env=environment,
        )
    return _installed()


def _installed():
    modules = (
        Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so"),
        Path("/usr/lib/aarch64-linux-gnu/varnish/vmods/libvmod_xkey.so"),
    )
    return Path(VARNISHD).exists() and any(module.exists() for module in modules)


def render_vcl(backend, purgers=("127.0.0.1", "::1"), site_name=None):
    host, port = backend.rsplit(":", 1)
    text = VCL.read_text()
    values = {
        "BACKEND_HOST": host,
        "BACKEND_PORT": port,
        "PURGERS": "\n".join(f'    "{address}";' for address in purgers),
        "SITE_NAME": site_name or settings.NEWSROOM["SITE_NAME"],
        "REFETCH_GRACE": f"{conf.options()['EDGE_REFETCH_GRACE']:g}s",
    }
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    return text


@dataclasses.dataclass
class Varnish:
    listen: str
    workdir: Path
    process: subprocess.Popen | None = None

    @property
    def url(self):
        return f"http://{self.listen}/"

    def counters(self, *names):
        """{name: value} of varnishstat counters, e.g. MAIN.cache_hit, MAIN.cache_miss."""
        command = ["varnishstat", "-n", str(self.workdir), "-1"]
        for name in names:
            command += ["-f", name]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        found = {}
        for line in output.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] in names:
                found[parts[0]] = int(parts[1])
        return found

    def stop(self):
        pid_file = self.workdir / "varnishd.pid"
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        elif pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass
        shutil.rmtree(self.workdir, ignore_errors=True)


def start(backend, listen="127.0.0.1:6081", *, foreground=False, memory="256m", purgers=("127.0.0.1", "::1")):
    """Start varnishd in front of `backend` (host:port); return a Varnish once it answers on `listen`."""
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    os.chmod(workdir, 0o755)  # varnishd's workers run as its own user
    vcl = workdir / "newsroom.vcl"
    vcl.write_text(render_vcl(backend, purgers))
    command = [
        VARNISHD,
        "-a",
        listen,
        "-f",
        str(vcl),
        "-n",
        str(workdir),
        "-s",
        f"malloc,{memory}",
        "-P",
        str(workdir / "varnishd.pid"),
        "-p",
        "default_grace=0",
    ]
    if foreground:
        return command, workdir
    process = subprocess.Popen([*command, "-F"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    varnish = Varnish(listen, workdir, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd did not start: {process.stderr.read().decode(errors='replace')}")
        try:
            request = urllib.request.Request(varnish.url, method="PURGE", headers={"xkey-purge": "-"})
            with urllib.request.urlopen(request, timeout=1):  # noqa: S310 - our own local Varnish
                return varnish
        except OSError:
            time.sleep(0.2)
    varnish.stop()
    raise RuntimeError("varnishd did not answer within 30 s")
