"""Oracle reputation from on-chain data alone: index feeds' events, compute metrics in SQL, rank.

::

    chain ──rpc.py──► indexer.py ──decode_ours.py / decode_ocr2.py (formats.py)──► store.py (DuckDB)
                                                                                     │ schema.py
       cli.py ◄── ranking.py ◄── metrics.py (SQL over the schema) ◄──────────────────┘
          │         ▲   └── sybil.py, flags.py (attacks on reputation)
          └──► report_html.py (one offline page, svg.py charts), export.py (Parquet)

Everything a score depends on comes from events, receipts and blocks, so anyone with the same
chain gets the same scores, bit for bit (:func:`ocr_client.reputation.ranking.score`).
"""
