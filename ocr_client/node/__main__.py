"""``python -m ocr_client.node {node,devnet}``: how the devnet launches its node processes."""

from __future__ import annotations

import sys

from ocr_client.node.cli import main

if __name__ == "__main__":
    sys.exit(main())
