"""A deployed ``OCRFeed`` from Python (mirrors ``contracts/feed/``).

``from ocr_client.feed import Feed`` is the public path; the handle itself is :mod:`.handle`.
"""

from ocr_client.feed.handle import Feed, Transmission

__all__ = ["Feed", "Transmission"]
