"""The ``ocr`` command line: one module per command group, :mod:`.commands` wires them together.

``ocr_client.cli:main`` is the console entry point users and packagers rely on.
"""

from ocr_client.cli.commands import main

__all__ = ["main"]
