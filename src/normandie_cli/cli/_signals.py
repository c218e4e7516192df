"""SIGTERM and SIGHUP end a run as Ctrl-C does: one line on stderr, exit 128 + the signal
(143, 129), and everything cleaned up on the way out.

Python turns Ctrl-C (SIGINT) into ``KeyboardInterrupt``; here SIGTERM (``kill``, ``timeout``)
and SIGHUP (the terminal went away) become :class:`Signalled`, raised where the program is, so
that every ``finally`` and ``except BaseException`` runs: the second process of a split file is
stopped and its part removed, the temporary store removed, the cache entry's lock released. A
signal the program was started with ignored (``nohup``) stays ignored.
"""

from __future__ import annotations

import signal
from typing import Any

from ..errors import ExitCode


class Signalled(BaseException):
    """A signal that ends the program, raised as an exception (like ``KeyboardInterrupt``, not
    an ``Exception``: nothing catches it on the way but cleanup)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return ExitCode.HANGUP if self.signum == getattr(signal, "SIGHUP", None) else ExitCode.TERMINATED

    @property
    def message(self) -> str:
        return "hung up (SIGHUP)" if self.signum == getattr(signal, "SIGHUP", None) else "terminated (SIGTERM)"


def _raise(signum: int, frame: Any) -> None:
    raise Signalled(signum)


def install() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Signalled`, unless they are ignored."""
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _raise)
