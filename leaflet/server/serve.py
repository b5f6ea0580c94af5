"""The build server itself: warm once, then run each command in a child forked from the warm process.

Started by `client.start` (never by hand): `main(place)` takes the lock beside the socket (one
server per place), loads the tool and lays out, in memory, what the first command asked for,
then answers on the socket until it has waited `LEAFLET_SERVER_IDLE` seconds (900) for a
command, or until what its warm state was made from has changed:
- the tool's own files, the interpreter, or a module it loaded (a package upgraded or
  reinstalled);
- the system's fonts, fontconfig's settings, or a font package looked for (see `Freshness`).
Then it answers `stale`, removes its socket and ends; the command runs in its own process and
starts a fresh server.

Each command runs in a child of its own, forked from the warm server: its process group, working
folder, environment, umask and standard streams are the command's, so it behaves as the
command's own process would have, and nothing it does reaches the server or the next command.
Once a child has ended well and soon, the server lays the same leaflets out in memory once
(`Server._learn`), so that the next command on them starts warm.
Only a process of the same user may ask (its id is checked on the socket, which lives in a
folder only that user can enter).
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import io
import json
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback
from typing import Any

from leaflet.safeio import identity
from leaflet.server import IDLE, IDLE_SECONDS, lock_path
from leaflet.server.client import EXIT_LOST
from leaflet.stopping import stopped_line

#: Seconds a command has to send its whole request once connected.
REQUEST_SECONDS = 2.0
#: Longest request taken (its environment is the bulk of it).
MAX_REQUEST = 4 * 1024 * 1024
#: Commands whose leaflets the server keeps laid out, at most (its caches are bounded besides).
MAX_REHEARSED = 64
#: A command that took longer (seconds) is not laid out again by the server.
LEARN_WITHIN = 3.0
#: Where fontconfig finds fonts, besides $XDG_DATA_HOME/fonts and ~/.fonts, and its settings
#: (besides $XDG_CONFIG_HOME/fontconfig).
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts")
SETTINGS_FOLDERS = ("/etc/fonts",)


def idle_seconds() -> float:
    """How long the server waits for a command before it stops (`LEAFLET_SERVER_IDLE`)."""
    try:
        seconds = float(os.environ.get(IDLE, ""))
    except ValueError:
        return IDLE_SECONDS
    return seconds if seconds > 0 else IDLE_SECONDS


def main(place: str) -> None:
    """Serve at `place` until idle or stale; return at once if another server holds it."""
    os.closerange(3, 1 << 16)  # nothing the starting command had open is kept
    lock = _lock(place)
    if lock is None:
        return
    os.chdir("/")
    _start_log()
    started = Freshness()  # the tool's files as they are before it is loaded
    first = json.loads(os.environ.pop("LEAFLET_SERVER_FIRST", "null") or "null")
    laid_out = _warm(first)
    started.note()  # and every module and font folder the warm state now holds
    gc.collect()
    gc.freeze()  # what warming made is shared with every child, untouched by their collectors
    with contextlib.suppress(FileNotFoundError):
        os.unlink(place)  # a dead server's: the lock says none lives
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(place)
    os.chmod(place, 0o600)
    listener.listen(socket.SOMAXCONN)
    server = Server(listener, place, started, lock)
    if laid_out is not None:
        server.rehearsed.add(laid_out)
    server.serve()


#: The log beside the socket (the server's standard output and error) is started afresh past this size.
MAX_LOG = 1024 * 1024


def _start_log() -> None:
    """This server's log starts empty (every server started at this place adds to the one file)."""
    with contextlib.suppress(OSError):
        os.ftruncate(1, 0)


def _trim_log() -> None:
    with contextlib.suppress(OSError):
        if os.fstat(1).st_size > MAX_LOG:
            os.ftruncate(1, 0)


def _lock(place: str) -> int | None:
    fd = os.open(lock_path(place), os.O_RDWR | os.O_CREAT, 0o600)
    for _ in range(50):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except OSError:
            # Held: by a running server, by a stale one about to end, or for a moment by a
            # command looking whether one is starting.
            time.sleep(0.02)
    os.close(fd)
    return None


class Freshness:
    """What the server's warm state was made from, by each file's time, size and inode: the same, or not.

    - the tool's own files (its code, and the data it reads once a process);
    - every module the process has loaded, from wherever it came (a package upgraded or
      reinstalled replaces its files; one not yet loaded is loaded by the child, from disk);
    - the interpreter;
    - the system's and the user's font folders, every folder fontconfig named a file in,
      and fontconfig's settings (`fontfiles` keeps its answers, "no such family" among them,
      for the process);
    - every font package looked for, found where it was or still missing (a family installed
      as a package since is found).

    Folders are walked once, when taken: a file added to or removed from a folder changes the
    folder's time, so a check is one `stat` for each folder and file noted (about a millisecond
    for the tool's and the fonts', and one for three hundred modules).
    """

    def __init__(self) -> None:
        package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        self.code: dict[str, Any] = {sys.executable: identity(sys.executable)}
        self.code.update(_walked([package], files=True))
        self.fonts: dict[str, Any] = {}
        self.packages: dict[str, str | None] = {}

    def note(self) -> None:
        """Take in the modules and font folders loaded since (after warming, and after each rehearsal)."""
        for module in list(sys.modules.values()):
            file = getattr(module, "__file__", None)
            if isinstance(file, str) and file not in self.code:
                self.code[file] = identity(file)
        self.fonts = _fonts_walked()
        from leaflet import fontfiles

        self.packages = fontfiles.packages_asked()

    def changed(self) -> str | None:
        """What changed since it was taken (`code` or `fonts`), or None."""
        for kind, noted in (("code", self.code), ("fonts", self.fonts)):
            if any(identity(path) != seen for path, seen in noted.items()):
                return kind
        from leaflet import fontfiles

        # A font package installed or removed since it was looked for (a family's files, or none).
        if any(fontfiles.package_origin(m) != seen for m, seen in self.packages.items()):
            return "fonts"
        return None


def _walked(folders: list[str], *, files: bool) -> dict[str, Any]:
    """Each folder under `folders` (one that is missing too), and with `files` every file in them."""
    found: dict[str, Any] = {}
    for top in folders:
        found[top] = identity(top)
        for folder, subfolders, names in os.walk(top):
            subfolders[:] = [name for name in subfolders if name != "__pycache__"]
            found[folder] = identity(folder)
            if files:
                found.update((path, identity(path)) for path in (os.path.join(folder, n) for n in names))
    return found


def _fonts_walked() -> dict[str, Any]:
    from leaflet import fontfiles

    home = os.path.expanduser("~")
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    found = _walked([*FONT_FOLDERS, os.path.join(data, "fonts"), os.path.join(home, ".fonts")], files=False)
    found.update(_walked([*SETTINGS_FOLDERS, os.path.join(config, "fontconfig")], files=True))
    named = {str(path.parent) for files in fontfiles.known().values() for path in files.values()}
    found.update((folder, identity(folder)) for folder in named)
    return found


#: What a `build` command lays out: its content files (absolute), the editions it names and its
#: sheet, and the folder it ran in (where a project's `styles/` is found); not where it writes.
Layout = tuple[tuple[str, ...], tuple[str, ...], str | None, str]


def _warm(first: dict[str, Any] | None) -> Layout | None:
    """Load the tool, and lay out in memory what the first command asked for (a failure is only
    logged); what it laid out."""
    import leaflet.batch
    import leaflet.build
    import leaflet.checks
    import leaflet.cli
    import leaflet.plan

    leaflet.batch.warm_up(("standard",))
    layout = _layout(first["argv"], first["cwd"]) if first else None
    if layout is not None:
        try:
            rehearse(layout)
        except Exception:
            traceback.print_exc()
    return layout


def _layout(argv: list[str], cwd: object) -> Layout | None:
    """What a command (`argv` without the program's name) lays out; None for any other command,
    one with a mistake in it (its child says so), or one whose folder was removed."""
    from leaflet.cli import command_line

    if not isinstance(cwd, str) or (argv and argv[0] != "build"):
        return None
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            args = command_line().parse_args([str(a) for a in argv] or ["build", "content.yaml"])
    except SystemExit:
        return None
    if args.command != "build":
        return None
    contents = tuple(os.path.join(cwd, str(path)) for path in args.content)
    return (contents, tuple(args.edition or ()), args.style, cwd)


def rehearse(layout: Layout) -> None:
    """Lay out, in memory, the leaflets a `build` command names (the first few files; not a
    folder's), writing nothing.

    What it leaves behind is what a build leaves in a warm process (fonts read, markup parsed,
    lines broken, the pages it settled on), so that a child forked next starts from there.
    """
    from pathlib import Path

    from leaflet.build import render_edition
    from leaflet.editions import resolve
    from leaflet.errors import LeafletError
    from leaflet.plan import plan
    from leaflet.style import load_theme

    contents, names, style, cwd = layout
    if any(os.path.isdir(path) for path in contents):
        return  # a folder is a batch: its leaflets are seldom built again one by one
    os.chdir(cwd)
    try:
        editions = resolve(list(names))
        for content in contents[:4]:
            try:
                work = plan(Path(content), editions, style)
                for edition in work.editions:
                    if edition.name != "web":
                        render_edition(work.leaflet, edition, load_theme(edition.style))
            except LeafletError:
                continue
    finally:
        os.chdir("/")


class Server:
    def __init__(self, listener: socket.socket, place: str, started: Freshness, lock: int) -> None:
        self.listener = listener
        self.place = place
        self.started = started
        self.lock = lock
        #: Each child running a command, and the server's own end of that command's socket
        #: (None once the command has gone).
        self.children: dict[int, socket.socket | None] = {}
        #: When each child was forked, and its command.
        self.commands: dict[int, tuple[float, dict[str, Any]]] = {}
        self.served = 0
        self.since = time.time()
        self.last = time.monotonic()
        self.running = True
        self.pid = os.getpid()
        #: The commands whose leaflets this process has laid out in memory (bounded).
        self.rehearsed: set[Layout] = set()
        self.inode = os.stat(place).st_ino

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, lambda signum, frame: self.stop("SIGTERM"))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        idle = idle_seconds()
        try:
            while self.running:
                self._reap()
                left = idle - (time.monotonic() - self.last)
                if left <= 0 and not self.children:
                    self.stop(f"no command for {idle:g} s")
                    break
                if not self._still_found():
                    self.stop("its socket was removed or replaced")
                    return  # no command can reach this server
                # (A command still running: its end restarts the idle time; look again in a second.)
                wait = min(left, 1.0) if left > 0 else 1.0
                watching = select.poll()
                watching.register(self.listener, select.POLLIN)
                for command in self.children.values():
                    if command is not None:
                        watching.register(command, select.POLLRDHUP)
                for fd, _ in watching.poll(wait * 1000):
                    if fd != self.listener.fileno():
                        self._command_gone(fd)
                        continue
                    try:
                        conn, _ = self.listener.accept()
                        with conn:
                            self._answer(conn)
                    except OSError:
                        pass
                    finally:
                        self._only_here()
                    self.last = time.monotonic()
        finally:
            self._only_here()
            self._close()

    def _only_here(self) -> None:
        """A command's child that anything brought back here ends at once: only the server itself
        answers on the socket, or removes it."""
        if os.getpid() != self.pid:
            os._exit(EXIT_LOST)

    def _still_found(self) -> bool:
        try:
            return os.stat(self.place).st_ino == self.inode
        except OSError:
            return False

    def stop(self, why: str) -> None:
        """End after this round of the loop, saying why in the log."""
        self.running = False
        with contextlib.suppress(OSError, ValueError):
            print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} server {os.getpid()} stopping: {why}", flush=True)

    def _close(self) -> None:
        # The socket goes before the lock: a server started next binds only once it holds the lock.
        if self._still_found():
            with contextlib.suppress(OSError):
                os.unlink(self.place)
        self.listener.close()
        os.close(self.lock)

    def _reap(self) -> None:
        """Children that have ended: each one's command is told its exit status, in case the child
        could not say it (killed outright, or out of memory), and the idle time starts again."""
        for pid, command in list(self.children.items()):
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if not done:
                continue
            del self.children[pid]
            began, request = self.commands.pop(pid)
            ended_well = os.WIFEXITED(status) and os.WEXITSTATUS(status) in (0, 1)
            if command is not None:
                code = os.waitstatus_to_exitcode(status)
                with contextlib.suppress(OSError):
                    command.setblocking(False)
                    command.sendall(f"exit {code if code >= 0 else 128 - code}\n".encode())
                command.close()
            self.last = time.monotonic()  # idle from the end of the last command
            if ended_well and self.last - began < LEARN_WITHIN:
                self._learn(request)

    def _command_gone(self, fd: int) -> None:
        """A command whose socket closed before its child ended (killed outright, even while
        stopped by Ctrl-Z): its child's group is woken and stopped, as by SIGTERM."""
        for pid, command in self.children.items():
            if command is not None and command.fileno() == fd:
                for signum in (signal.SIGCONT, signal.SIGTERM):
                    with contextlib.suppress(OSError):
                        os.killpg(pid, signum)
                command.close()
                self.children[pid] = None
                return

    def _answer(self, conn: socket.socket) -> None:
        peer = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _, uid, _ = struct.unpack("3i", peer)
        if uid != os.getuid():
            return
        _trim_log()
        conn.settimeout(REQUEST_SECONDS)
        conn.sendall(b"ready\n")  # only now does the command hand over its streams
        request, fds = _receive(conn)
        try:
            op = request.get("op")
            if op == "status":
                _reply(conn, self._status())
            elif op == "stop":
                _reply(conn, {"stopping": os.getpid()})
                self.stop("asked to")
            elif op == "run" and len(fds) == 4:
                changed = self.started.changed()
                if changed is not None:
                    conn.sendall(b"stale\n")
                    self.stop(f"stale: {changed}")
                    return
                pid = os.fork()
                if pid == 0:
                    try:
                        for other in self.children.values():  # other commands' sockets
                            if other is not None:
                                other.close()
                        _child(conn, request, fds, self.listener, self.lock)  # ends the process
                    finally:
                        os._exit(EXIT_LOST)
                self.children[pid] = conn.dup()
                self.commands[pid] = (time.monotonic(), request)
                self.served += 1
        finally:
            for fd in fds:
                os.close(fd)

    def _learn(self, request: dict[str, Any]) -> None:
        """Lay out a command's leaflets here too, once its child has built them: the next command
        on the same leaflets starts from them warm (a one-word edit parses and breaks only the
        paragraph it changed). Only a command that ended well within `LEARN_WITHIN` seconds (the
        server answers no one meanwhile), and not one already seen."""
        layout = _layout(request["argv"][1:], request.get("cwd"))
        if layout is None or layout in self.rehearsed:
            return
        if len(self.rehearsed) >= MAX_REHEARSED:
            self.rehearsed.clear()
        self.rehearsed.add(layout)
        try:
            rehearse(layout)
        except Exception:
            traceback.print_exc()
        self.started.note()

    def _status(self) -> dict[str, Any]:
        self._reap()
        return {
            "pid": os.getpid(),
            "since": self.since,
            "served": self.served,
            "running": len(self.children),
            "rehearsed": len(self.rehearsed),
            "idle_seconds": idle_seconds(),
            "python": sys.executable,
        }


def _receive(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 64 * 1024, 4)
    try:
        if len(data) < 8:
            data += _exactly(conn, 8 - len(data))
        size = int.from_bytes(data[:8], "big")
        if size > MAX_REQUEST:
            raise ValueError("request too long")
        body = data[8:]
        if len(body) < size:
            body += _exactly(conn, size - len(body))
        request = json.loads(body)
        if not isinstance(request, dict):
            raise ValueError("request is not an object")
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        return {}, []
    return request, fds


def _exactly(conn: socket.socket, count: int) -> bytes:
    got = b""
    while len(got) < count:
        chunk = conn.recv(min(count - len(got), 1 << 20))
        if not chunk:
            raise ValueError("request cut short")
        got += chunk
    return got


def _reply(conn: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode("ascii") + b"\n")


#: Held from the fork until the command runs under the tool's own handlers, and again at its end.
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGIO}
#: Whether a signal may still stop this child's command: no longer once it is reporting its end.
#: (Holding the signals is not enough: a thread of the command, such as a process pool's, may
#: take one, and Python then runs the handler in the main thread at its next chance.)
_ARMED = [True]


def _child(
    conn: socket.socket, request: dict[str, Any], fds: list[int], listener: socket.socket, lock: int
) -> None:
    """Run one command as its own process would, in this forked child; end with its exit status."""
    code = EXIT_LOST
    try:
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        listener.close()
        os.close(lock)
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, _stop_now)
        for signum in request.get("ignored") or ():
            signal.signal(int(signum), signal.SIG_IGN)  # as for the command (run with nohup, say)
        os.setpgid(0, 0)  # the command's group: the signals it is sent reach its workers too
        conn.settimeout(REQUEST_SECONDS)
        conn.sendall(f"pid {os.getpid()}\n".encode())
        if conn.recv(3) != b"go\n":
            os._exit(0)  # the command gave up waiting and runs in its own process
        conn.settimeout(None)
        _become(request, fds)
        _stop_when_gone(conn)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
        code = _run(request["argv"])
    except KeyboardInterrupt as exc:  # stopped before the command's own handlers were set
        signum = getattr(exc, "signum", signal.SIGINT)
        with contextlib.suppress(Exception):
            print(stopped_line(signum), file=sys.stderr)
        code = 128 + signum
    except BaseException:  # the child reports every end as an exit status
        with contextlib.suppress(Exception):
            traceback.print_exc()
        code = EXIT_LOST
    finally:
        _ARMED[0] = False  # first: no handler raises from here on
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        with contextlib.suppress(Exception):
            conn.sendall(f"exit {code}\n".encode())
        os._exit(code)


def _stop_now(signum: int, frame: object) -> None:
    if not _ARMED[0]:
        return
    from leaflet import batch

    batch.stop_requested(signum)
    raise batch.Stopped(signum)


def _stop_when_gone(conn: socket.socket) -> None:
    """A command killed outright (SIGKILL: no signal to pass on) stops its child as SIGTERM would.

    The command sends nothing after `go`, so the socket turns readable only when it closes:
    the kernel says so with SIGIO.
    """

    def gone(signum: int, frame: object) -> None:
        if not _ARMED[0]:
            return  # the command is told its end, and goes
        try:
            data = conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            signal.signal(signal.SIGIO, signal.SIG_IGN)
            _stop_now(signal.SIGTERM, frame)

    signal.signal(signal.SIGIO, gone)
    fcntl.fcntl(conn.fileno(), fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(conn.fileno(), fcntl.F_SETFL, fcntl.fcntl(conn.fileno(), fcntl.F_GETFL) | os.O_ASYNC)
    gone(signal.SIGIO, None)  # gone already: no signal is raised for what happened before


def _become(request: dict[str, Any], fds: list[int]) -> None:
    """Take the command's streams, folder, environment and umask."""
    *streams, folder = fds
    for target, fd in enumerate(streams):
        os.dup2(fd, target)
        os.close(fd)
    os.fchdir(folder)  # the folder itself, even one renamed or removed since
    os.close(folder)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in request["env"].items()})
    time.tzset()
    import tempfile

    tempfile.tempdir = None  # found again from the command's environment
    os.umask(int(request["umask"]))
    encodings = request.get("streams") or [None, None, None]
    sys.stdin = _stream(0, "r", encodings[0], sys.stdin)
    sys.stdout = _stream(1, "w", encodings[1], sys.stdout)
    sys.stderr = _stream(2, "w", encodings[2], sys.stderr, line_buffering=True)
    sys.argv = [str(a) for a in request["argv"]]


def _stream(fd: int, mode: str, encoding: list[str] | None, old: Any, *, line_buffering: bool = False) -> Any:
    """A text stream on `fd` as the command's own process had it (encoding and error handling)."""
    enc, errors = (
        encoding if encoding else (getattr(old, "encoding", "utf-8"), getattr(old, "errors", "strict"))
    )
    raw = io.FileIO(fd, mode, closefd=False)
    buffered: Any = io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
    return io.TextIOWrapper(
        buffered, encoding=enc, errors=errors, line_buffering=line_buffering or os.isatty(fd)
    )


def _run(argv: list[str]) -> int:
    from leaflet.cli import main

    try:
        return main(argv[1:])
    except SystemExit as exc:
        if exc.code is None:
            return 0
        if isinstance(exc.code, int):
            return exc.code
        print(exc.code, file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit("leaflet's build server is started by the command itself (see docs/architecture.md)")
