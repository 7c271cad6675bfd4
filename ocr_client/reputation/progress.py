"""Indexing progress on a terminal: one line rewritten per chunk, nothing when stderr is not a TTY."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ocr_client.reputation.indexer import Progress


class TerminalProgress:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream  # looked up now: stderr may have been replaced
        self.enabled = self.stream.isatty()
        self.started = time.monotonic()

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        span = max(1, p.head - p.start + 1)
        done = min(span, p.block - p.start + 1)
        rate = p.reports / max(1e-9, time.monotonic() - self.started)
        self.stream.write(f"\r{p.contract[:10]}… block {p.block:,}/{p.head:,} ({done / span:6.1%})  "
                          f"{p.reports:,} reports  {rate:,.0f}/s  chunk {p.chunks}   ")
        self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
