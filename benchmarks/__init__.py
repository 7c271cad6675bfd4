"""Benchmarks (speed and gas), run as scripts or as ``python -m benchmarks.NAME`` from the repository root.

A package, not a namespace: the ape extra installs a distribution (cchecksum) with a top-level
``benchmarks`` package, which would otherwise shadow this folder for ``python -m``.
"""
