"""The one interface nodes talk through: best-effort, authenticated delivery of opaque bytes.

Delivery is best effort on purpose (as in libocr): a message may be lost, late, duplicated or
reordered, and the protocol copes with resends and timeouts. What a transport *must* do is say
truthfully who sent a message (the sender index comes from the peer's authenticated identity,
never from the payload) and refuse payloads above :data:`MAX_MESSAGE_BYTES`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Protocol

#: Largest payload a transport delivers; bigger ones are dropped at the receiver (and refused by
#: senders). A report request at n = 255 is about 60 KiB, so this leaves room without letting a
#: peer make us buffer megabytes.
MAX_MESSAGE_BYTES: Final[int] = 256 * 1024

#: Called for each delivered message: (sender oracle index, payload).
Handler = Callable[[int, bytes], None]


class Transport(Protocol):
    """One node's view of the network of n oracles, indexed 0..n-1."""

    @property
    def index(self) -> int:
        """This node's oracle index."""
        ...

    @property
    def n(self) -> int:
        """Number of oracles in the network."""
        ...

    def set_handler(self, handler: Handler) -> None:
        """Where delivered messages go; set once before traffic starts."""
        ...

    def send(self, to: int, payload: bytes) -> None:
        """Send to one oracle (``to`` may be this node itself). Never blocks, never raises for a
        slow or absent peer: a full per-peer buffer drops the message."""
        ...

    def broadcast(self, payload: bytes) -> None:
        """Send to every oracle, this node included."""
        ...

    def close(self) -> None:
        """Stop sending and receiving."""
        ...
