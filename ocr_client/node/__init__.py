"""Oracle node processes: one oracle per OS process over the real transport, and a local devnet.

- :mod:`~ocr_client.node.config`: the JSON node configuration and its validation;
- :mod:`~ocr_client.node.offchain`: the shared secret sealed to each oracle's X25519 key;
- :mod:`~ocr_client.node.process`: one node built from its config and run until a signal;
- :mod:`~ocr_client.node.devnet`: anvil + a configured feed + N node processes;
- :mod:`~ocr_client.cli.node`: ``ocr node`` and ``ocr devnet`` (also ``python -m ocr_client.cli.node``).
"""

from __future__ import annotations
