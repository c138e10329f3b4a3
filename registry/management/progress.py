"""A small progress bar for long-running commands, on stderr: redrawn in place (carriage returns) on a
terminal, one line every ten seconds in a log file or a pipe (CI, ``> log``), where carriage returns
would leave one unreadable line of thousands of drawings."""

import sys
import time


class ProgressBar:
    """``bar = ProgressBar("deployments.deployment", total=5000)``; ``bar.step()`` per row; ``bar.close()``.

    Redrawn at most ten times a second on a terminal, else written as a line at most every ten
    seconds (and at the total, and at the end); silent when ``enabled`` is false (``--verbosity 0``).
    ``step(count, label)`` also renames the bar (generate_synthetic: the table being written). A total
    that was only an estimate grows with the rows done rather than being overshot.
    """

    width = 30

    def __init__(self, label: str, total: int, *, stream=None, enabled: bool = True):
        self.label, self.total, self.done = label, max(total, 0), 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.terminal = getattr(self.stream, "isatty", lambda: False)()
        self.interval = 0.1 if self.terminal else 10.0
        self.started = self._drawn = time.monotonic()
        self._drawn_done = None
        self._draw()

    def step(self, count: int = 1, label: str | None = None) -> None:
        reaches_total = self.done < self.total <= self.done + count
        self.done += count
        self.total = max(self.total, self.done)
        if label:
            self.label = label
        now = time.monotonic()
        if now - self._drawn >= self.interval or reaches_total:
            self._drawn = now
            self._draw()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    def close(self) -> None:
        if self.terminal:
            self._draw()
            if self.enabled:
                self.stream.write("\n")
                self.stream.flush()
        elif self._drawn_done != self.done:  # a log's last line: the end, unless already written
            self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        text = f"{self.label:<36} [{bar}] {self.done}/{self.total} rows {self.rate:7.0f} rows/s"
        self.stream.write(f"\r{text}" if self.terminal else f"{text}\n")
        self.stream.flush()
        self._drawn_done = self.done
