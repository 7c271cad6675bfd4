"""Multi-feed reports: one report and one BLS threshold signature carry k feeds (k <= 32).

- :mod:`~ocr_client.multifeed.layout`: the packed report (encode, decode, signing digest);
- :mod:`~ocr_client.multifeed.config`: the hub's committee config and its digest;
- :mod:`~ocr_client.multifeed.hub`: a handle on a deployed ``OCRMultiFeed`` and its views;
- :mod:`~ocr_client.multifeed.local`: :class:`LocalMultiFeed`, a hub with an in-process committee;
- :mod:`~ocr_client.multifeed.scheme`: the hub as an ``ocr gas bench`` scheme.
"""

from ocr_client.multifeed.config import MultiFeedConfig, multi_config_digest
from ocr_client.multifeed.hub import FeedTransmission, MultiFeed, MultiTransmission
from ocr_client.multifeed.layout import FeedSection, MultiReport, build_multi_report
from ocr_client.multifeed.local import LocalMultiFeed, SignedMultiTransmit
from ocr_client.multifeed.scheme import MultiFeedScheme

__all__ = [
    "FeedSection",
    "FeedTransmission",
    "LocalMultiFeed",
    "MultiFeed",
    "MultiFeedConfig",
    "MultiFeedScheme",
    "MultiReport",
    "MultiTransmission",
    "SignedMultiTransmit",
    "build_multi_report",
    "multi_config_digest",
]
