"""ape (ApeWorX) as a way in: what the ``scripts/`` that users run with ``ape run`` are made of.

The scripts stay thin; this package does the work with the project's own code (the feed handle,
committee files, report layout and BLS signing) on **ape's** connected provider, paying with
**ape's** accounts. Only the modules that need ape import it (``accounts``, ``contracts``,
``feed``, ``options``), so the rest of ``ocr_client`` and the quick tests never do; ``schedule`` and
``names`` are plain Python. It sits at the top of the layers, beside the ``ocr`` CLI.
"""
