"""Backend fixtures for the crypto tests.

``backend`` runs a test once per backend; ``ark`` and ``ref`` name them when a test compares the
two. py_ecc verifications cost ~0.3 s, so tests that verify many signatures use ``ark`` only and
the cross-backend tests stay small.
"""

from __future__ import annotations

import pytest

from ocr_client.crypto import BACKEND_NAMES, BLSBackend, get_backend


@pytest.fixture(params=BACKEND_NAMES)
def backend(request: pytest.FixtureRequest) -> BLSBackend:
    name: str = request.param
    return get_backend(name)


@pytest.fixture(scope="session")
def ark() -> BLSBackend:
    return get_backend("arkworks")


@pytest.fixture(scope="session")
def ref() -> BLSBackend:
    return get_backend("py_ecc")
