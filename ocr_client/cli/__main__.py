"""``python -m ocr_client.cli ...``: the ``ocr`` command without its console script."""

from __future__ import annotations

import sys

from ocr_client.cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
