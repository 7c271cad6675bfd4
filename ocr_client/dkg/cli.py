"""``ocr keys dkg``: run a DKG among N in-process nodes and write their keystores.

The nodes talk over the simulated network, so this is a way to get a committee whose key no
single dealer ever held (and to watch misbehaving dealers being excluded); the files it writes are
the ones ``ocr keys new`` writes, so ``ocr demo --keys`` and ``ocr push --keys`` read them unchanged.
Wire it into the main parser with :func:`add_dkg_parser` and dispatch ``keys dkg`` to
:func:`run_keys_dkg`.

``--reshare OLD_DIR`` instead reshares the key of an existing committee folder to the new n and t
(:mod:`ocr_client.dkg.reshare`): the group key stays the same, so the old members must be trusted
to erase their old shares afterwards. A fresh DKG is the default because it needs no such trust.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ocr_client.cli_types import non_negative, positive
from ocr_client.crypto.backend import BLSBackend
from ocr_client.dkg.errors import DkgFailedError, DkgParameterError
from ocr_client.dkg.result import DkgResult
from ocr_client.dkg.strategies import DEALER_FAULTS
from ocr_client.errors import KeyFileError, OCRError

#: What ``--reshare`` trusts, said wherever it is offered.
RESHARE_WARNING = ("Resharing KEEPS THE OLD GROUP KEY, so it trusts every old member to erase its old share: any "
                   "t_old old shares still sign for the key. A fresh DKG (the default, without --reshare) is safer.")


def add_dkg_parser(keys_subparsers: Any) -> None:
    """Add ``dkg`` to the ``ocr keys`` subcommands (``keys_subparsers`` is argparse's subparsers action)."""
    p = keys_subparsers.add_parser(
        "dkg", help="generate a committee key by distributed key generation (no dealer)",
        description="Run a DKG among N in-process nodes and write their keystores. With --reshare, reshare the "
                    "key of an existing committee to N new members instead: " + RESHARE_WARNING)
    p.add_argument("--nodes", type=positive, required=True, help="committee size n (<= 255)")
    p.add_argument("--threshold", type=positive, required=True, help="signatures needed t")
    p.add_argument("--out", required=True, help="new folder for committee.json and the keystores")
    p.add_argument("--faulty-dealers", type=non_negative, default=0,
                   help="dealers that misbehave (at most n - t; chosen at random, by --seed if given)")
    p.add_argument("--fault", choices=DEALER_FAULTS, default="bad-share", help="how the faulty dealers misbehave")
    p.add_argument("--seed", type=int, default=None, help="derive every key from a seed (tests only)")
    p.add_argument("--kdf", choices=["scrypt", "pbkdf2"], default="scrypt")
    p.add_argument("--password-file", help="file whose first line is the password (default: $OCR_KEYSTORE_PASSWORD)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--reshare", metavar="OLD_DIR",
                   help="reshare the key of the committee in OLD_DIR (plaintext or keystores, same password) to the "
                        "new --nodes/--threshold instead of creating a new key. " + RESHARE_WARNING)


def committee_f(n: int, t: int) -> int:
    """The largest f the contract accepts with this n and t: 3f < n and f+1 <= t <= n-f."""
    return min(t - 1, n - t, (n - 1) // 3)


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise KeyFileError(f"{out} already exists and is not an empty folder; choose another --out folder")


def _agreed(results: Sequence[DkgResult | None], errors: Sequence[OCRError | None], what: str = "DKG") -> list[DkgResult]:
    done = [r for r in results if r is not None]
    if len(done) != len(results):
        first = next((e for e in errors if e is not None), None)
        raise DkgFailedError(f"the {what} failed: {first}" if first else f"the {what} did not finish")
    if len({(r.committee, r.qual) for r in done}) != 1:
        raise DkgFailedError("nodes disagree on the committee; refusing to write keys")
    return done


def _faulty_dealers(args: argparse.Namespace, dealers: int) -> dict[int, str]:
    """``--faulty-dealers`` dealers out of ``dealers``, chosen by ``--seed`` (or at random), each with ``--fault``."""
    chooser = random.Random(args.seed) if args.seed is not None else random.SystemRandom()
    return {i: args.fault for i in sorted(chooser.sample(range(dealers), args.faulty_dealers))}


def _write_keys(args: argparse.Namespace, results: Sequence[DkgResult], f: int, out: Path, password: str,
                backend: BLSBackend) -> str:
    """Write the agreed committee (shares, transmitters by ``--seed``) to ``out``; returns the group key hex.

    A fresh DKG and a resharing end the same way, so both write their keys here.
    """
    from ocr_client.committee import LocalCommittee, transmitter_key
    from ocr_client.committee_files import write_committee
    from ocr_client.crypto import Dealing

    first = results[0]
    dealing = Dealing(first.committee, tuple(r.share for r in results))
    committee = LocalCommittee(f=f, dealing=dealing,
                               transmitters=tuple(transmitter_key(args.seed, i) for i in range(len(results))),
                               backend=backend)
    write_committee(committee, out, password, args.kdf)
    return first.committee.group_public_key.hex()


def run_keys_dkg(args: argparse.Namespace) -> int:
    """Run the DKG, write keystores + committee.json, print a summary; returns the exit code (0)."""
    from ocr_client.committee_files import load_password
    from ocr_client.crypto import get_backend
    from ocr_client.dkg.simulate import simulate_dkg
    from ocr_client.report.config import check_committee

    if getattr(args, "reshare", None):
        from ocr_client.dkg.reshare_cli import run_keys_reshare

        return run_keys_reshare(args)
    n, t, k = args.nodes, args.threshold, args.faulty_dealers
    out = Path(args.out)
    f = committee_f(n, t)
    check_committee(n, max(f, 0), t)
    if k > n - t:
        raise DkgParameterError(f"--faulty-dealers {k} is more than n - t = {n - t}: too few dealers would remain")
    password = load_password(args.password_file)
    if password is None:
        raise OCRError("keystores need a password: give --password-file or set OCR_KEYSTORE_PASSWORD")
    _check_out(out)
    faulty = _faulty_dealers(args, n)
    backend = get_backend()
    run = simulate_dkg(n, t, seed=args.seed, faulty=faulty, backend=backend)
    results = _agreed(run.results, run.errors)
    first = results[0]
    group_key = _write_keys(args, results, f, out, password, backend)
    if args.json:
        print(json.dumps({"nodes": n, "threshold": t, "qual": list(first.qual),
                          "excluded": {str(i): why for i, why in first.excluded.items()},
                          "group_public_key": group_key, "out": str(out)}))
        return 0
    print(f"DKG n={n} t={t} f={f}: {len(first.qual)} qualified dealers {list(first.qual)}")
    for i, why in first.excluded.items():
        print(f"  excluded dealer {i}: {why}")
    # EIP-2537 bytes start with 16 zero bytes of padding: the compressed form makes a telling prefix
    print(f"group public key (compressed) {backend.g2_compress(first.committee.group_public_key).hex()[:32]}...")
    print(f"wrote {out / 'committee.json'} and {2 * n} keystores")
    return 0
