"""A progress bar for long management commands, drawn only when a person is watching a terminal."""

import time


class Progress:
    """`[#####.....] 5,000/10,000 posts  350/s  about 14 s left`, redrawn at most ten times a second on `stream`.

    Off (and free) when the stream is no terminal: logs and pipes get the command's final report only.
    """

    WIDTH = 30

    def __init__(self, stream, total, unit, enabled=None):
        self.stream = stream
        self.total = max(total, 0)
        self.unit = unit
        self.enabled = stream.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.done = 0

    def update(self, done):
        self.done = done
        now = time.monotonic()
        if self.enabled and (now - self.drawn_at >= 0.1 or done >= self.total):
            self.drawn_at = now
            self.stream.write(f"\r{self.line(now)}", style_func=_plain, ending="")
            self.stream.flush()

    def line(self, now=None):
        elapsed = max((now or time.monotonic()) - self.started, 1e-6)
        rate = self.done / elapsed
        share = self.done / self.total if self.total else 1
        filled = int(self.WIDTH * min(share, 1))
        left = (self.total - self.done) / rate if rate and self.done < self.total else 0
        return (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done:,}/{self.total:,} {self.unit}"
            f"  {rate:,.0f}/s  {left:,.0f} s"
        )

    def finish(self):
        if self.enabled:
            self.stream.write("", style_func=_plain)


def _plain(text):
    return text  # not the red Django gives everything on stderr
