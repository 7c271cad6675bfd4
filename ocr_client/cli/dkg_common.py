"""What ``ocr keys dkg`` and ``ocr keys dkg --reshare`` share: the output folder rule, agreement
of the nodes' results, the choice of faulty dealers, and writing the agreed committee."""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

from ocr_client.committee.files import write_committee
from ocr_client.committee.local import LocalCommittee, transmitter_key
from ocr_client.crypto import Dealing
from ocr_client.crypto.backend import BLSBackend
from ocr_client.dkg.errors import DkgFailedError
from ocr_client.dkg.result import DkgResult
from ocr_client.errors import KeyFileError, OCRError

#: What ``--reshare`` trusts, said wherever it is offered.
RESHARE_WARNING = ("Resharing KEEPS THE OLD GROUP KEY, so it trusts every old member to erase its old share: any "
                   "t_old old shares still sign for the key. A fresh DKG (the default, without --reshare) is safer.")



def check_out_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KeyFileError(f"{out} already exists and is not an empty folder; choose another --out folder")


def agreed_results(results: Sequence[DkgResult | None], errors: Sequence[OCRError | None], what: str = "DKG") -> list[DkgResult]:
    done = [r for r in results if r is not None]
    if len(done) != len(results):
        first = next((e for e in errors if e is not None), None)
        raise DkgFailedError(f"the {what} failed: {first}" if first else f"the {what} did not finish")
    if len({(r.committee, r.qual) for r in done}) != 1:
        raise DkgFailedError("nodes disagree on the committee; refusing to write keys")
    return done


def faulty_dealers(args: argparse.Namespace, dealers: int) -> dict[int, str]:
    """``--faulty-dealers`` dealers out of ``dealers``, chosen by ``--seed`` (or at random), each with ``--fault``."""
    chooser = random.Random(args.seed) if args.seed is not None else random.SystemRandom()
    return {i: args.fault for i in sorted(chooser.sample(range(dealers), args.faulty_dealers))}


def write_keys(args: argparse.Namespace, results: Sequence[DkgResult], f: int, out: Path, password: str,
                backend: BLSBackend) -> str:
    """Write the agreed committee (shares, transmitters by ``--seed``) to ``out``; returns the group key hex.

    A fresh DKG and a resharing end the same way, so both write their keys here.
    """
    first = results[0]
    dealing = Dealing(first.committee, tuple(r.share for r in results))
    committee = LocalCommittee(f=f, dealing=dealing,
                               transmitters=tuple(transmitter_key(args.seed, i) for i in range(len(results))),
                               backend=backend)
    write_committee(committee, out, password, args.kdf)
    return first.committee.group_public_key.hex()
