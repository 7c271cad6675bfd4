"""Feeds with an in-process committee: deploy, configure, sign and push from one Python process.

What :mod:`ocr_client.testing`, the gas tooling, the accountable and multi-feed handles and the
protocol simulation build on. ``from ocr_client.testing import LocalFeed`` is the public path.

- :mod:`.base`: what every local committee feed shares (funding, signing, sending);
- :mod:`.feed`: :class:`~.feed.LocalFeed`, an OCRFeed with a dealt threshold committee;
- :mod:`.scenario`: the fixed measurement scenario (seed, prices, timestamps);
- :mod:`.vectors`: the report test vectors shared by the Python and Solidity tests.
"""
