"""The OCR protocol, one role per module as in libocr: :mod:`.pacemaker`, :mod:`.leader`,
:mod:`.follower`, :mod:`.finalization`, :mod:`.transmission`, with :mod:`.node` tying them
together; the rest are the ports they talk through, their persistence and their simulation.
Read :mod:`.node` first: its docstring has the diagram."""
