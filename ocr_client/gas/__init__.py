"""Gas tooling: fixed scenarios, ``ocr gas bench`` and the forge-format ``.gas-snapshot``.

- :mod:`.types`: :class:`~.types.BenchResult` (the bench's stable JSON row) and the ``Scheme`` protocol;
- :mod:`.scenarios`: the OCRFeed transmit scenarios and the verify-gas harness;
- :mod:`.schemes`: every other contract kind as a bench scheme (accountable, multi-feed, baselines);
- :mod:`.entries`: every ``.gas-snapshot`` entry, measured once per process;
- :mod:`.snapshot`: reading, writing and comparing ``.gas-snapshot`` files;
- :mod:`.bench`: ``ocr gas bench``: every scheme side by side on one anvil.
"""
