"""Questions asked of a fact book: row builders (:mod:`.rows`), shaping by the shared options
(:mod:`.shape`) and the ``--where`` language (:mod:`.where`). Standard library only."""
