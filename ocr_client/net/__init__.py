"""Everything between nodes: a clock to schedule on and a transport to talk over.

The protocol and the DKG see only :class:`~ocr_client.net.clock.Clock` and
:class:`~ocr_client.net.transport.Transport`, so the same code runs on the seeded simulated
network (tests, ``ocr demo``) and on the authenticated ZeroMQ transport (``ocr node``).
"""

from ocr_client.net.clock import Clock, RealClock, SimClock, TimerHandle
from ocr_client.net.transport import MAX_MESSAGE_BYTES, Handler, Transport

__all__ = ["MAX_MESSAGE_BYTES", "Clock", "Handler", "RealClock", "SimClock", "TimerHandle", "Transport"]
