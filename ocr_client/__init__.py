"""ocr-client: Off-Chain Reporting feeds secured by BLS12-381 threshold signatures (EIP-2537)."""

__version__ = "0.1.0"
