"""Signals as a stop flag: long-running commands (a node, a devnet, a following index) end their
loops cleanly when asked, instead of being unwound by an exception raised wherever the signal
landed (inside a DuckDB statement, for one, it becomes an error of DuckDB's own)."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType

STDERR_FD = 2


@contextmanager
def stop_on_signals(signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM), *,
                    then_abort: bool = False, notice: str | None = None) -> Iterator[Callable[[], bool]]:
    """A ``stop()`` flag set by ``signals`` for as long as the block runs (handlers restored after).

    ``then_abort``: the first signal sets the flag and puts back the default handler, so a second
    Ctrl-C aborts at once. ``notice`` is written to stderr when the flag is set, with ``os.write``:
    the signal may have landed inside a write to ``sys.stderr``, which a second write would break."""
    stopped = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal stopped
        stopped = True
        if then_abort:
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
        if notice is not None:
            with suppress(OSError):
                os.write(STDERR_FD, notice.encode())

    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield lambda: stopped
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
