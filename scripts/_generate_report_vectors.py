"""Regenerate tests/vectors/reports.json (the report vectors shared by Python and Solidity).

    python scripts/_generate_report_vectors.py   (the underscore keeps it out of `ape run`)
"""

from __future__ import annotations

import json
from pathlib import Path

from ocr_client.local.vectors import build_all

OUT = Path(__file__).resolve().parents[1] / "tests" / "vectors" / "reports.json"


def main() -> None:
    OUT.write_text(json.dumps(build_all(), indent=2) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
