"""Tiny domain types, so a round is never passed where an oracle index belongs."""

from __future__ import annotations

from typing import NewType

Epoch = NewType("Epoch", int)
Round = NewType("Round", int)
OracleIndex = NewType("OracleIndex", int)
