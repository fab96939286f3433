"""Fast kernel start-up: forked Jupyter kernels with the heavy libraries already imported.

Starting a Python kernel and importing pandas, matplotlib, scipy, statsmodels,
great-tables... costs several seconds per notebook, the same seconds for
every notebook. During a render, one *fork server* process (started afresh
by :class:`ForkServer`, with the fixed kernel environment) imports those
libraries once; every kernel of the render is then a ``fork()`` of it, and
runs the ordinary ipykernel application from there.

Jupyter sees an ordinary kernel spec (``csr-fork``) whose command is this
module's small ``connect`` client: it asks the server for a kernel (passing
the connection file, working directory and environment Jupyter gave it),
forwards signals (interrupts) to it, and exits with the kernel's exit code.
If the client is killed, the server kills its kernel.

The server, its kernels and the clients die with the process that started them
(:mod:`report.lifeline`); the server's socket is in Linux's abstract namespace
(no file) and serves only the same user; the kernel spec lives in a scratch
folder under ``_build/tmp`` (:mod:`report.scratch`), removed on exit or, after
a kill, at the next build's start.

Only third-party libraries are preloaded (:data:`PRELOAD`): the notebooks'
own code (``analysis``...) is imported by each notebook as usual. The server
lives for one render, so no state leaks from one render to the next.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from report import lifeline, scratch

KERNEL_NAME = "csr-fork"
SOCKET_ENV = "CSR_KERNEL_FORK_SOCKET"
PRELOAD = (
    "numpy", "pandas", "pyarrow", "pyarrow.parquet", "scipy.stats", "scipy.optimize",
    "statsmodels.api", "lifelines", "matplotlib", "matplotlib.pyplot", "great_tables",
    "tableone", "pandera", "yaml", "IPython", "ipykernel.kernelapp", "ipykernel.ipkernel",
    "matplotlib_inline.backend_inline",
)


# --- server (one per render) -----------------------------------------------------------

def _preload() -> list[str]:
    import importlib

    failed = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional library is imported by the notebook instead
            failed.append(name)
    return failed


def _run_kernel(request: Mapping[str, object]) -> None:
    """In the forked child: become the kernel Jupyter asked for (never returns)."""
    code = 1
    try:
        os.chdir(str(request["cwd"]))
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})
        time.tzset()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        argv = [str(a) for a in request["argv"]]
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _send(conn: socket.socket, obj: Mapping[str, object]) -> None:
    try:
        conn.sendall((json.dumps(obj) + "\n").encode())
    except OSError:
        pass


def _recv_line(conn: socket.socket, timeout: float = 30.0) -> dict | None:
    conn.settimeout(timeout)
    buf = b""
    while not buf.endswith(b"\n"):
        try:
            chunk = conn.recv(65536)
        except (OSError, TimeoutError):
            return None
        if not chunk:
            return None
        buf += chunk
    conn.settimeout(None)
    return json.loads(buf)


def _exit_on_signal(signum, _frame):
    raise SystemExit(0)


def _connect_when_ready(path: str, timeout: float = 300.0) -> socket.socket:
    """Connect to the server's socket, waiting while it is still preloading."""
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):  # not listening yet
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _same_user(conn: socket.socket) -> bool:
    """Whether the peer of a Unix socket connection runs as this user (``SO_PEERCRED``)."""
    try:
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except (OSError, AttributeError):
        return False
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def serve(sock_name: str) -> None:
    """Preload the libraries, then fork one kernel per client request until terminated.

    The socket is in Linux's abstract namespace (``sock_name`` without its leading
    NUL): no file to leave behind. Only processes of the same user are served."""
    failed = _preload()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind("\0" + sock_name)
    srv.listen(64)                               # clients retry until it listens
    signal.signal(signal.SIGTERM, _exit_on_signal)
    server_pid = os.getpid()
    print(f"kernel fork server ready (not preloaded: {failed or 'none'})", file=sys.stderr, flush=True)
    kernels: dict[int, socket.socket] = {}       # pid -> client connection
    by_conn: dict[socket.socket, int] = {}
    try:
        while True:
            readable, _, _ = select.select([srv, *by_conn], [], [], 0.1)
            for s in readable:
                if s is srv:
                    conn, _ = srv.accept()
                    if not _same_user(conn):
                        conn.close()
                        continue
                    request = _recv_line(conn)
                    if request is None:
                        conn.close()
                        continue
                    pid = os.fork()
                    if pid == 0:
                        lifeline.die_with_parent(server_pid)   # no kernel outlives the server
                        srv.close()
                        for c in [conn, *by_conn]:
                            c.close()
                        _run_kernel(request)
                    kernels[pid] = conn
                    by_conn[conn] = pid
                    _send(conn, {"pid": pid})
                else:  # the client closed or died: its kernel goes too
                    try:
                        data = s.recv(4096)
                    except OSError:
                        data = b""
                    if not data:
                        pid = by_conn.pop(s)
                        s.close()
                        if pid in kernels:
                            kernels.pop(pid)
                            try:
                                os.kill(pid, signal.SIGKILL)
                            except ProcessLookupError:
                                pass
            while kernels:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                conn = kernels.pop(pid, None)
                if conn is not None:
                    _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                    by_conn.pop(conn, None)
                    conn.close()
    except SystemExit:
        pass
    finally:
        for pid in kernels:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)   # skip interpreter teardown of the preloaded libraries


# --- client (the kernel command Jupyter runs) -------------------------------------------

def connect(argv: list[str]) -> int:
    """Ask the fork server for a kernel with ``argv`` (``-f <connection file>``); wait for it.

    The client dies with the worker that started it (jupyter_client names it in
    ``JPY_PARENT_PID``); the server then kills its kernel."""
    parent = os.environ.get("JPY_PARENT_PID", "")
    if parent.isdigit():
        lifeline.die_with_parent(int(parent))
    sock = _connect_when_ready("\0" + os.environ[SOCKET_ENV])
    env = {k: v for k, v in os.environ.items() if k != SOCKET_ENV}
    sock.sendall((json.dumps({"argv": argv, "cwd": os.getcwd(), "env": env}) + "\n").encode())
    reply = _recv_line(sock, timeout=60)
    if not reply or "pid" not in reply:
        print("kernel fork server gave no kernel", file=sys.stderr)
        return 1
    pid = int(reply["pid"])

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
                signal.SIGUSR2):
        signal.signal(sig, forward)
    while True:
        try:
            end = _recv_line(sock, timeout=None)
        except InterruptedError:
            continue
        if end is None:        # server gone: make sure the kernel is too
            forward(signal.SIGKILL, None)
            return 1
        return int(end.get("exit", 1))


# --- parent side ------------------------------------------------------------------------

class ForkServer:
    """Start the fork server and the ``csr-fork`` kernel spec; stop them on exit.

    ``env`` is the kernel environment (it must hold PYTHONHASHSEED: the server's
    hash seed is every kernel's). Use :attr:`jupyter_path` as ``JUPYTER_PATH``
    and :data:`KERNEL_NAME` as the kernel name in the processes that execute.
    """

    def __init__(self, cwd: Path, env: Mapping[str, str], log_path: Path):
        self.cwd, self.env, self.log_path = Path(cwd), dict(env), log_path
        self.tmp: str | None = None
        self.proc: subprocess.Popen | None = None

    @property
    def jupyter_path(self) -> str:
        assert self.tmp is not None
        return str(Path(self.tmp) / "jupyter")

    def __enter__(self) -> ForkServer:
        self.tmp = str(scratch.make(self.cwd, "kernels"))
        sock = f"csr-kernel-fork-{Path(self.tmp).name}"
        spec_dir = Path(self.jupyter_path) / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        spec = {"argv": [sys.executable, "-m", "report.kernel_fork", "connect",
                         "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)", "language": "python",
                "env": {SOCKET_ENV: sock}, "interrupt_mode": "signal"}
        (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "report.kernel_fork", "serve", sock],
                cwd=self.cwd, env={**os.environ, **self.env}, stdout=subprocess.DEVNULL,
                stderr=log, stdin=subprocess.DEVNULL, preexec_fn=lifeline.preexec())
        finally:
            log.close()
        # Not waited for: kernels connect once it has preloaded (the workers start meanwhile).
        return self

    def __exit__(self, *exc) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if self.tmp:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        serve(argv[1])
        return 0
    if argv[:1] == ["connect"]:
        return connect(argv[1:])
    print("usage: python -m report.kernel_fork serve SOCKET | connect -f CONNECTION_FILE",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
