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
from pathlib import Path
from typing import Any

from ocr_client.cli.dkg_common import RESHARE_WARNING, agreed_results, check_out_folder, faulty_dealers, write_keys
from ocr_client.cli.keys_reshare import run_keys_reshare
from ocr_client.cli.types import non_negative, positive
from ocr_client.committee.local import committee_f
from ocr_client.dkg.errors import DkgParameterError
from ocr_client.dkg.strategies import DEALER_FAULTS
from ocr_client.errors import OCRError


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


def run_keys_dkg(args: argparse.Namespace) -> int:
    """Run the DKG, write keystores + committee.json, print a summary; returns the exit code (0)."""
    from ocr_client.committee.files import load_password
    from ocr_client.crypto import get_backend
    from ocr_client.dkg.simulate import simulate_dkg
    from ocr_client.report.config import check_committee

    if getattr(args, "reshare", None):
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
    check_out_folder(out)
    faulty = faulty_dealers(args, n)
    backend = get_backend()
    run = simulate_dkg(n, t, seed=args.seed, faulty=faulty, backend=backend)
    results = agreed_results(run.results, run.errors)
    first = results[0]
    group_key = write_keys(args, results, f, out, password, backend)
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
