"""One ``ocr gas bench`` scheme per contract kind; each measures the fixed scenario of :mod:`ocr_client.local.scenario`."""
