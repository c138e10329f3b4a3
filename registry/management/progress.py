"""A small progress bar for long-running commands, drawn on stderr with carriage returns."""

import sys
import time


class ProgressBar:
    """``bar = ProgressBar("deployments.deployment", total=5000)``; ``bar.step()`` per row; ``bar.close()``.

    Redrawn at most ten times a second; silent when ``enabled`` is false (``--verbosity 0``).
    ``step(count, label)`` also renames the bar (generate_synthetic: the table being written). A total
    that was only an estimate grows with the rows done rather than being overshot.
    """

    width = 30

    def __init__(self, label: str, total: int, *, stream=None, enabled: bool = True):
        self.label, self.total, self.done = label, max(total, 0), 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.started = self._drawn = time.monotonic()
        self._draw()

    def step(self, count: int = 1, label: str | None = None) -> None:
        reaches_total = self.done < self.total <= self.done + count
        self.done += count
        self.total = max(self.total, self.done)
        if label:
            self.label = label
        now = time.monotonic()
        if now - self._drawn >= 0.1 or reaches_total:
            self._drawn = now
            self._draw()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    def close(self) -> None:
        self._draw()
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self) -> None:
        if not self.enabled:
            return
        share = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label:<36} [{bar}] {self.done}/{self.total} rows {self.rate:7.0f} rows/s")
        self.stream.flush()
