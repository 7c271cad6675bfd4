"""The store's schema: DuckDB tables written by the indexer, views the metrics read.

Documented table by table in docs/reputation.md. Addresses and hashes are 0x-prefixed lowercase
hex; values and answers are HUGEINT (int128: every price a real feed reports fits; a value beyond
it is stored as NULL); times are unix seconds. Every row carries its block number so a reorg
rolls back with one ``DELETE ... WHERE block_number >= ?`` per table.

Observations, the one table with a row per oracle per report, name their feed and oracle by small
integer keys (``feed_keys``, ``oracle_keys``) so storing and scanning them touches no strings; the
``observations`` view joins the names back and is what every reader uses.
"""

from __future__ import annotations

from typing import Final

APP: Final[str] = "ocr-client reputation"
SCHEMA_VERSION: Final[str] = "4"

#: Tables written per chunk, with their columns in insertion order (the CSV bulk path needs it).
TABLE_COLUMNS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "configs": (("contract", "VARCHAR"), ("config_digest", "VARCHAR"), ("config_count", "BIGINT"), ("n", "INTEGER"),
                ("f", "INTEGER"), ("threshold", "INTEGER"), ("block_number", "BIGINT"), ("tx_hash", "VARCHAR"),
                ("log_index", "INTEGER"), ("format", "VARCHAR")),
    "config_oracles": (("contract", "VARCHAR"), ("config_digest", "VARCHAR"), ("oracle_index", "INTEGER"),
                       ("transmitter", "VARCHAR"), ("signer", "VARCHAR")),
    "reports": (("feed", "VARCHAR"), ("contract", "VARCHAR"), ("feed_id", "INTEGER"), ("round_id", "BIGINT"),
                ("config_digest", "VARCHAR"), ("epoch", "BIGINT"), ("round", "INTEGER"), ("answer", "HUGEINT"),
                ("transmitter", "VARCHAR"), ("report_timestamp", "BIGINT"), ("observation_count", "INTEGER"),
                ("block_number", "BIGINT"), ("tx_hash", "VARCHAR"), ("log_index", "INTEGER")),
    "observations": (("feed", "VARCHAR"), ("round_id", "BIGINT"), ("position", "INTEGER"), ("oracle_index", "INTEGER"),
                     ("oracle", "VARCHAR"), ("value", "HUGEINT"), ("observed_at", "BIGINT"), ("block_number", "BIGINT"),
                     ("abs_dev", "HUGEINT"), ("scale", "HUGEINT"), ("within_2dev", "INTEGER"), ("rank_ppm", "BIGINT"),
                     ("ts_pct_ppm", "BIGINT"), ("clamped_dev", "BIGINT")),
    #: the table behind the observations view
    "observation_rows": (("feed_key", "INTEGER"), ("round_id", "BIGINT"), ("position", "INTEGER"),
                         ("oracle_index", "INTEGER"), ("oracle_key", "INTEGER"), ("value", "HUGEINT"),
                         ("observed_at", "BIGINT"), ("block_number", "BIGINT"), ("abs_dev", "HUGEINT"),
                         ("scale", "HUGEINT"), ("within_2dev", "INTEGER"), ("rank_ppm", "BIGINT"),
                         ("ts_pct_ppm", "BIGINT"), ("clamped_dev", "BIGINT"), ("stalled", "TINYINT")),
    "blocks": (("number", "BIGINT"), ("hash", "VARCHAR"), ("timestamp", "BIGINT")),
    "signers": (("feed", "VARCHAR"), ("round_id", "BIGINT"), ("oracle_index", "INTEGER"), ("oracle", "VARCHAR"),
                ("block_number", "BIGINT")),
    "receipts": (("tx_hash", "VARCHAR"), ("contract", "VARCHAR"), ("sender", "VARCHAR"), ("status", "INTEGER"),
                 ("gas_used", "BIGINT"), ("effective_gas_price", "HUGEINT"), ("block_number", "BIGINT")),
    "stakes": (("oracle", "VARCHAR"), ("contract", "VARCHAR"), ("staked", "HUGEINT"), ("slashed", "HUGEINT"),
               ("block_number", "BIGINT"), ("tx_hash", "VARCHAR"), ("log_index", "INTEGER")),
    "alerts": (("contract", "VARCHAR"), ("alerter", "VARCHAR"), ("round_id", "BIGINT"), ("updated_at", "BIGINT"),
               ("slashed", "HUGEINT"), ("reward", "HUGEINT"), ("block_number", "BIGINT"), ("tx_hash", "VARCHAR"),
               ("log_index", "INTEGER")),
}

#: The other tables the store inserts into, likewise (their rows go in a few at a time).
OTHER_TABLE_COLUMNS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "meta": (("key", "VARCHAR"), ("value", "VARCHAR")),
    "feed_keys": (("feed_key", "INTEGER"), ("feed", "VARCHAR")),
    "oracle_keys": (("oracle_key", "INTEGER"), ("oracle", "VARCHAR")),
    "operators": (("address", "VARCHAR"), ("operator", "VARCHAR")),
    "funders": (("address", "VARCHAR"), ("funder", "VARCHAR"), ("block_number", "BIGINT"), ("tx_hash", "VARCHAR")),
}


def column_types(table: str) -> list[str]:
    """The SQL types of a table's columns, in order (the tables the store writes)."""
    columns = TABLE_COLUMNS.get(table) or OTHER_TABLE_COLUMNS[table]
    return [kind for _, kind in columns]


#: An observation as derive.observation_lines formats it (CSV): the view's columns, then the report's
#: answer (the stalled flag needs it), then the flag the store appends.
OBSERVATION_LINE_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    *TABLE_COLUMNS["observations"], ("answer", "HUGEINT"), ("stalled", "TINYINT"))

DDL: Final[str] = """
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE contracts (
    contract VARCHAR PRIMARY KEY, format VARCHAR NOT NULL, first_block BIGINT NOT NULL,
    next_block BIGINT NOT NULL, tip_block BIGINT, tip_hash VARCHAR, receipts BOOLEAN NOT NULL DEFAULT FALSE,
    scan_reverts BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE blocks (number BIGINT PRIMARY KEY, hash VARCHAR NOT NULL, timestamp BIGINT);
CREATE TABLE configs (contract VARCHAR, config_digest VARCHAR, config_count BIGINT, n INTEGER, f INTEGER,
    threshold INTEGER, block_number BIGINT, tx_hash VARCHAR, log_index INTEGER, format VARCHAR);
CREATE TABLE config_oracles (contract VARCHAR, config_digest VARCHAR, oracle_index INTEGER, transmitter VARCHAR,
    signer VARCHAR);
CREATE TABLE reports (feed VARCHAR, contract VARCHAR, feed_id INTEGER, round_id BIGINT, config_digest VARCHAR,
    epoch BIGINT, round INTEGER, answer HUGEINT, transmitter VARCHAR, report_timestamp BIGINT,
    observation_count INTEGER, block_number BIGINT, tx_hash VARCHAR, log_index INTEGER);
CREATE TABLE feed_keys (feed_key INTEGER PRIMARY KEY, feed VARCHAR NOT NULL UNIQUE);
CREATE TABLE oracle_keys (oracle_key INTEGER PRIMARY KEY, oracle VARCHAR NOT NULL UNIQUE);
-- Each column's compression is named, so storing a chunk skips trying every method on it (11 ms at
-- 10,000 reports): run-length for what repeats per feed or report (the round too: its k rows are
-- consecutive, 5 ms cheaper than bit-packing and no larger) and for the two flags, which are
-- mostly 1 (within_2dev) and mostly 0 (stalled): 5 ms cheaper to store than bit-packing, for a
-- file 4% larger; bit-packing for the rest.
CREATE TABLE observation_rows (feed_key INTEGER NOT NULL USING COMPRESSION rle,
    round_id BIGINT USING COMPRESSION rle, position INTEGER USING COMPRESSION bitpacking,
    oracle_index INTEGER USING COMPRESSION bitpacking, oracle_key INTEGER USING COMPRESSION bitpacking,
    value HUGEINT USING COMPRESSION bitpacking, observed_at BIGINT USING COMPRESSION bitpacking,
    block_number BIGINT USING COMPRESSION rle,
    -- derived when stored (per report, so independent of any window): see derive.py
    abs_dev HUGEINT USING COMPRESSION bitpacking, scale HUGEINT USING COMPRESSION rle,
    within_2dev INTEGER USING COMPRESSION rle, rank_ppm BIGINT USING COMPRESSION bitpacking,
    ts_pct_ppm BIGINT USING COMPRESSION bitpacking, clamped_dev BIGINT USING COMPRESSION bitpacking,
    -- from the oracle's history in the feed: see stalls.py
    stalled TINYINT USING COMPRESSION rle);
CREATE VIEW observations AS
    SELECT f.feed, o.round_id, o.position, o.oracle_index, k.oracle, o.value, o.observed_at, o.block_number,
           o.abs_dev, o.scale, o.within_2dev, o.rank_ppm, o.ts_pct_ppm, o.clamped_dev, o.stalled
    FROM observation_rows o JOIN feed_keys f USING (feed_key) LEFT JOIN oracle_keys k USING (oracle_key);
CREATE TABLE signers (feed VARCHAR, round_id BIGINT, oracle_index INTEGER, oracle VARCHAR, block_number BIGINT);
CREATE TABLE receipts (tx_hash VARCHAR, contract VARCHAR, sender VARCHAR, status INTEGER, gas_used BIGINT,
    effective_gas_price HUGEINT, block_number BIGINT);
CREATE TABLE operators (address VARCHAR PRIMARY KEY, operator VARCHAR NOT NULL);
CREATE TABLE funders (address VARCHAR PRIMARY KEY, funder VARCHAR, block_number BIGINT, tx_hash VARCHAR);
-- Staking (OracleStaking, decode_staking.py): one signed row per Staked / Withdrawn / Slashed, so
-- sum(staked) is the stake at risk and sum(slashed) the stake lost; one alerts row per AlertRaised.
CREATE TABLE stakes (oracle VARCHAR, contract VARCHAR, staked HUGEINT, slashed HUGEINT, block_number BIGINT,
    tx_hash VARCHAR, log_index INTEGER);
CREATE TABLE alerts (contract VARCHAR, alerter VARCHAR, round_id BIGINT, updated_at BIGINT, slashed HUGEINT,
    reward HUGEINT, block_number BIGINT, tx_hash VARCHAR, log_index INTEGER);
"""

#: Tables whose rows belong to a block (rolled back on a reorg), keyed by the column naming the contract.
#: config_oracles follows its configs row (see Store.rollback_from).
BLOCK_TABLES: Final[dict[str, str]] = {
    "configs": "contract", "reports": "contract", "observation_rows": "feed_key",
    "signers": "feed", "receipts": "contract", "stakes": "contract", "alerts": "contract",
}
