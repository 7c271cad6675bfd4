"""Multi-feed reports: one report and one BLS threshold signature carry k feeds (k <= 32).

- :mod:`~ocr_client.multifeed.layout`: the packed report (encode, decode, signing digest);
- :mod:`~ocr_client.multifeed.config`: the hub's committee config and its digest;
- :mod:`~ocr_client.multifeed.hub`: a handle on a deployed ``OCRMultiFeed`` and its views;
- :mod:`~ocr_client.multifeed.local`: :class:`LocalMultiFeed`, a hub with an in-process committee.

The hub as an ``ocr gas bench`` scheme is :mod:`ocr_client.gas.schemes.multifeed`.
"""

from ocr_client.multifeed.config import MultiFeedConfig, multi_config_digest
from ocr_client.multifeed.hub import FeedTransmission, MultiFeed, MultiTransmission
from ocr_client.multifeed.layout import FeedSection, MultiReport, build_multi_report
from ocr_client.multifeed.local import LocalMultiFeed, SignedMultiTransmit

__all__ = [
    "FeedSection",
    "FeedTransmission",
    "LocalMultiFeed",
    "MultiFeed",
    "MultiFeedConfig",
    "MultiReport",
    "MultiTransmission",
    "SignedMultiTransmit",
    "build_multi_report",
    "multi_config_digest",
]
