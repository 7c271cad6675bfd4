"""The oracle committee, as Python holds it and as the contracts see it (mirrors ``contracts/committee/``).

- :mod:`.local`: :class:`~.local.LocalCommittee`, a dealt committee held in one process, and the
  committee-shape rules (f, t) the contracts enforce;
- :mod:`.contract`: handles on deployed committee feeds (views, transmit, decoded reverts);
- :mod:`.files`: the committee folder on disk (``committee.json`` beside EIP-2335 / V3 keystores).
"""
