"""Child processes of a build die with the process that started them.

A render starts notebook workers, a kernel fork server and, through them,
kernels and typesetting tools. If the render is killed (``SIGKILL`` gives it
no chance to clean up), none of them may live on: they would hold memory and
could write into the cache. Each child asks the Linux kernel to be sent
``SIGKILL`` when its parent dies (``prctl(PR_SET_PDEATHSIG)``, through
:mod:`ctypes`; kept across ``exec``) and then checks that the parent is still
the one it expects, closing the window in which the parent died before the
request was made.

- :func:`die_with_parent` is called first thing in a forked child;
- :func:`preexec` is the ``preexec_fn`` of a :class:`subprocess.Popen`.

Plain Jupyter kernels (``python -m ipykernel_launcher``, started by
jupyter_client) watch their parent themselves (ipykernel's parent poller,
``JPY_PARENT_PID``). On a system without ``prctl`` the calls do nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable

PR_SET_PDEATHSIG = 1

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None


def die_with_parent(parent_pid: int, sig: int = signal.SIGKILL) -> None:
    """Have this process get ``sig`` when its parent dies; exit at once if the parent
    (``parent_pid``) is already gone."""
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def preexec(sig: int = signal.SIGKILL) -> Callable[[], None]:
    """A ``preexec_fn`` that makes the started program die with the calling process."""
    parent = os.getpid()
    return lambda: die_with_parent(parent, sig)
