"""Where the contracts, node tools and build outputs live.

A checkout keeps them side by side (``contracts/``, ``node_modules/``, ``build/``); environment
variables point elsewhere for installs that are not a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from ocr_client.errors import ToolchainError

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """The checkout root: ``OCR_PROJECT_ROOT`` or the folder above the package."""
    env = os.environ.get("OCR_PROJECT_ROOT")
    return Path(env).resolve() if env else _PACKAGE_DIR.parent


def contracts_dir() -> Path:
    """Solidity sources: ``OCR_CONTRACTS_DIR`` or ``<root>/contracts``."""
    env = os.environ.get("OCR_CONTRACTS_DIR")
    path = Path(env).resolve() if env else project_root() / "contracts"
    if not path.is_dir():
        raise ToolchainError(f"contracts folder not found at {path}; set OCR_CONTRACTS_DIR")
    return path


def node_modules_dir() -> Path:
    """The node packages (solc-js, anvil, Chainlink interfaces): ``OCR_NODE_MODULES`` or ``<root>/node_modules``."""
    env = os.environ.get("OCR_NODE_MODULES")
    return Path(env).resolve() if env else project_root() / "node_modules"


def build_dir() -> Path:
    """Compiled artifacts and the solc wrapper: ``OCR_BUILD_DIR`` or ``<root>/build``."""
    env = os.environ.get("OCR_BUILD_DIR")
    path = Path(env).resolve() if env else project_root() / "build"
    path.mkdir(parents=True, exist_ok=True)
    return path


def solcjs_script() -> Path:
    """The node script that makes solc-js answer like native solc."""
    return _PACKAGE_DIR / "solcjs" / "solc.js"
