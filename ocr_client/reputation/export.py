"""Copy every table of the store to Parquet, one file per table, for engines larger than one machine."""

from __future__ import annotations

from pathlib import Path

from ocr_client.reputation.errors import StoreError
from ocr_client.reputation.store import Store

TABLES = ("meta", "contracts", "blocks", "configs", "config_oracles", "reports", "observations", "signers",
          "receipts", "operators", "funders", "stakes")


def export_parquet(store: Store, directory: str | Path) -> list[Path]:
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out} exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        path = out / f"{table}.parquet"
        store.con.execute(f"COPY (SELECT * FROM {table}) TO '{_quote(path)}' (FORMAT parquet)")
        written.append(path)
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
