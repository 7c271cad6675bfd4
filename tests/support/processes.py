"""Process checks shared by tests that start and stop anvil."""

from __future__ import annotations

import os
import time


def pid_gone(pid: int, within: float = 2.0) -> bool:
    """True once ``pid`` no longer exists (a zombie may linger briefly, so poll up to ``within`` s)."""
    deadline = time.monotonic() + within
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
