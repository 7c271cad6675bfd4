"""``ocr keys dkg --reshare OLD_DIR``: reshare an existing committee's key to a new committee.

Reads the old committee folder (plaintext or keystores, with the same password as the output),
runs the resharing among old + new members in-process on the simulated network, and writes the
new committee folder: new shares, new public shares and transmitters, the *same* group key.
Called from :func:`ocr_client.cli.keys_dkg.run_keys_dkg`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocr_client.cli.dkg_common import RESHARE_WARNING, agreed_results, check_out_folder, faulty_dealers, write_keys
from ocr_client.committee.local import committee_f
from ocr_client.dkg.errors import DkgFailedError, DkgParameterError
from ocr_client.errors import KeyFileError, OCRError


def run_keys_reshare(args: argparse.Namespace) -> int:
    """Reshare, write keystores + committee.json, print a summary; returns the exit code (0)."""
    from ocr_client.committee.files import load_password, read_committee
    from ocr_client.crypto import get_backend
    from ocr_client.dkg.reshare import simulate_reshare
    from ocr_client.report.config import check_committee

    n, t, k = args.nodes, args.threshold, args.faulty_dealers
    old_dir, out = Path(args.reshare), Path(args.out)
    f = committee_f(n, t)
    check_committee(n, max(f, 0), t)
    password = load_password(args.password_file)
    if password is None:
        raise OCRError("keystores need a password: give --password-file or set OCR_KEYSTORE_PASSWORD")
    if out.resolve() == old_dir.resolve():
        raise KeyFileError("--out must be a new folder, not the old committee's")
    check_out_folder(out)
    old = read_committee(old_dir, password)
    t_old = old.threshold
    if k > old.n - t_old:
        raise DkgParameterError(
            f"--faulty-dealers {k} is more than n_old - t_old = {old.n - t_old}: too few old dealers would remain")
    faulty = faulty_dealers(args, old.n)
    backend = get_backend()
    run = simulate_reshare(old.dealing.committee, old.dealing.secret_shares, n, t, seed=args.seed, faulty=faulty,
                           backend=backend)
    results = agreed_results(run.results, run.errors, "resharing")
    first = results[0]
    if first.committee.group_public_key != old.group_public_key:  # the recipients check this too
        raise DkgFailedError("the reshared committee has another group key; refusing to write keys")
    group_key = write_keys(args, results, f, out, password, backend)
    if args.json:
        print(json.dumps({"reshare": str(old_dir), "old_nodes": old.n, "old_threshold": t_old, "nodes": n,
                          "threshold": t, "qual": list(first.qual),
                          "excluded": {str(i): why for i, why in first.excluded.items()},
                          "group_public_key": group_key, "out": str(out)}))
        return 0
    print(f"reshared {old.n} -> {n} (t {t_old} -> {t}, f={f}): {len(first.qual)} qualified old dealers "
          f"{list(first.qual)}, used {list(first.qual[:t_old])}")
    for i, why in first.excluded.items():
        print(f"  excluded old dealer {i}: {why}")
    print(f"group public key UNCHANGED (compressed) {backend.g2_compress(first.committee.group_public_key).hex()[:32]}...")
    print(f"wrote {out / 'committee.json'} and {2 * n} keystores")
    print(f"warning: {RESHARE_WARNING} Erase the old keystores in {old_dir} once the new committee is configured.")
    return 0
