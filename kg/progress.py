"""A progress line on stderr for long runs; silent when stderr is not a terminal.

No dependency: one carriage-return line, redrawn at most every `interval` seconds, so that a
100,000-abstract run costs a few hundred writes rather than one per abstract. Redirected output
(CI logs, ``2> log``) stays clean because the bar turns itself off when the stream is not a TTY.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def progress_enabled(stream: TextIO | None = None, *, quiet: bool = False) -> bool:
    """True when a progress line should be drawn: not quiet, and `stream` (stderr) is a terminal."""
    if quiet:
        return False
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """Counts items of one stage and redraws "label: n/total (pct) rate/s eta" on one line.

    When disabled every method is a cheap no-op, so callers need no `if`.

    >>> bar = Progress("extract", total=3, enabled=False)
    >>> bar.update(3)
    >>> bar.count
    3
    """

    def __init__(self, label: str, *, total: int | None = None, unit: str = "abstracts",
                 enabled: bool = False, stream: TextIO | None = None, interval: float = 0.25) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = enabled
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.count = 0
        self.started = time.perf_counter()
        self._last_draw = 0.0
        self._width = 0

    def update(self, n: int = 1) -> None:
        """Add `n` finished items; redraws when `interval` has passed since the last drawing."""
        self.count += n
        if self.enabled:
            now = time.perf_counter()
            if now - self._last_draw >= self.interval:
                self._last_draw = now
                self._draw(now)

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield the items, counting each one."""
        for item in items:
            yield item
            self.update()

    def close(self) -> float:
        """Draw the final line (ending it with a newline) and return the elapsed seconds."""
        now = time.perf_counter()
        if self.enabled:
            self._draw(now, final=True)
        return now - self.started

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _draw(self, now: float, *, final: bool = False) -> None:
        elapsed = max(now - self.started, 1e-9)
        rate = self.count / elapsed
        parts = [f"{self.label}: {self.count:,}"]
        if self.total:
            parts[0] += f"/{self.total:,} {self.unit} ({100 * self.count / self.total:.0f}%)"
        else:
            parts[0] += f" {self.unit}"
        parts.append(f"{rate:,.0f}/s")
        if final:
            parts.append(f"in {_duration(elapsed)}")
        elif self.total and rate > 0 and self.count < self.total:
            parts.append(f"eta {_duration((self.total - self.count) / rate)}")
        line = "  ".join(parts)
        padding = " " * max(self._width - len(line), 0)
        self._width = len(line)
        try:
            self.stream.write(f"\r{line}{padding}" + ("\n" if final else ""))
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is never worth failing a run
            self.enabled = False


def _duration(seconds: float) -> str:
    """Compact duration.

    >>> _duration(4.25), _duration(75), _duration(3725)
    ('4.2s', '1m15s', '1h02m')
    """
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
