"""A command's side of the build server: hand the command over, pass signals on, return its exit status.

Read on every command before anything else, so it imports only what a socket needs. When no
server answers, the command runs in its own process as before, and a `build` or `check` starts
a server in the background for the next command.

The exchange, over the server's Unix socket:
1. the server, having accepted the command and checked its user, says `ready`; the command
   checks the server's user in turn;
2. the command sends one request (a length, then JSON: `op`, and for `run` its arguments,
   working folder, environment, umask, the encodings of its streams and the signals it
   ignores), with its standard input, output and error and its working folder attached as
   descriptors;
3. the server answers `pid N` (the process group now holding the command) or `stale` (it is
   stopping: the command runs here);
4. the command answers `go` once its signals are passed on to that group;
5. the server's child runs the command with those streams and ends with `exit N`.
A command that gives up before step 4 (the server too slow to answer) runs here; nothing it
handed over is held (the descriptors go only to a server that has answered), and the child,
finding the socket closed, never runs it. A child whose command has gone (killed outright)
stops as for SIGTERM.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
from typing import Any

from leaflet.server import address, lock_path, search_path, wanted
from leaflet.stopping import stopped_line

#: Seconds to wait for each of the server's first answers before running the command here instead.
ANSWER_SECONDS = 5.0
#: The exit status when the server's child ended without giving one (killed, or crashed).
EXIT_LOST = 70
#: Commands that start a server for the next one when none answers (not `watch`, which stays up itself).
_STARTING = frozenset({"build", "check"})
_NOT_FORWARDED = frozenset({"watch", "server"})
#: Signals that stop a command, passed on to the server's child as a terminal passes them to its own.
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class _Interrupted(Exception):
    """A stopping signal arrived before the server's child had the command."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def forward(argv: list[str]) -> int | None:
    """Run the command (`argv` without the program's name) in the server; None: run it here."""
    if not wanted():
        return None
    command = argv[0] if argv else "build"
    if command in _NOT_FORWARDED:
        return None
    if not all(map(_open, (0, 1, 2))):
        return None  # (a descriptor made now would take its number, and be handed over as it)
    place = address()
    if place is None:
        return None
    relay = _Relay()
    try:
        sock = _connect(place)
        if sock is None:
            if command in _STARTING:
                start(place, argv)
            return None
        with sock:
            return _run(sock, relay, place, argv, command)
    except _Interrupted as stop:
        # Before the server's child had the command: nothing was run, so nothing was written.
        _say(stopped_line(stop.signum))
        return 128 + stop.signum
    finally:
        relay.restore()


class _Relay:
    """This command's stopping signals passed on to the child that runs it, once there is one.

    Until then a stopping signal ends the exchange (`_Interrupted`); Ctrl-Z stops the child and
    this process, and continuing continues both. SIGHUP, when the command ignores it (run with
    `nohup`), is left ignored, here and in the child, as its own process would.
    """

    def __init__(self) -> None:
        self.group: int | None = None
        self.pending: list[int] = []
        # Only SIGHUP: the tool sets its own Ctrl-C and SIGTERM handlers whatever it was started with.
        self.ignored = [signal.SIGHUP] if signal.getsignal(signal.SIGHUP) == signal.SIG_IGN else []
        self.previous: dict[int, Any] = {}
        for signum in (*(s for s in STOPPING if s not in self.ignored), signal.SIGTSTP, signal.SIGCONT):
            self.previous[signum] = signal.signal(signum, self._handle)

    def _handle(self, signum: int, frame: object) -> None:
        if signum == signal.SIGTSTP:
            if self.group is not None:
                _signal_group(self.group, signal.SIGSTOP)
            signal.signal(signal.SIGTSTP, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTSTP)
            signal.signal(signal.SIGTSTP, self._handle)
            return
        if signum == signal.SIGCONT:
            if self.group is not None:
                _signal_group(self.group, signal.SIGCONT)
            return
        self.pending.append(signum)
        if self.group is None:
            raise _Interrupted(signum)
        _signal_group(self.group, signum)

    def restore(self) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


def _connect(place: str) -> socket.socket | None:
    """A connection to the server at `place`, once it has said `ready` and is this user's; else None."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(ANSWER_SECONDS)
        sock.connect(place)
        peer = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        if struct.unpack("3i", peer)[1] != os.getuid() or _line(sock) != "ready":
            raise ValueError("not this user's server")
    except (OSError, ValueError):
        sock.close()
        return None
    except BaseException:
        sock.close()
        raise
    return sock


def _run(sock: socket.socket, relay: _Relay, place: str, argv: list[str], command: str) -> int | None:
    folder = -1
    try:
        folder = os.open(".", os.O_PATH | os.O_DIRECTORY)
        request = {
            "op": "run",
            "argv": [sys.argv[0] if sys.argv and sys.argv[0] else "leaflet", *argv],
            "cwd": _working_folder(),
            "env": dict(os.environ),
            "umask": _umask(),
            "streams": [_encoding(stream) for stream in (sys.stdin, sys.stdout, sys.stderr)],
            "ignored": relay.ignored,
        }
        _send(sock, request, [0, 1, 2, folder])
        answer = _line(sock)
    except (OSError, ValueError):
        return None  # no answer in time, or a server going away: the command runs here
    finally:
        if folder >= 0:
            os.close(folder)
    if not answer.startswith("pid "):
        if answer == "stale" and command in _STARTING:
            start(place, argv, after_stale=True)
        return None
    relay.group = int(answer[4:])
    try:
        sock.sendall(b"go\n")
        sock.settimeout(None)  # a build takes as long as it takes
        answer = _line(sock)
    except (OSError, ValueError):
        answer = ""
    if answer.startswith("exit "):
        return int(answer[5:])
    if relay.pending:
        return 128 + relay.pending[-1]
    _say("leaflet: the build server's process for this command ended without an exit status")
    return EXIT_LOST


def _open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _working_folder() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None  # removed: the folder goes by its descriptor


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(OSError):  # already ended
        os.killpg(group, signum)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _encoding(stream: Any) -> list[str] | None:
    try:
        return [stream.encoding, stream.errors]
    except AttributeError:
        return None


def _send(sock: socket.socket, message: dict[str, Any], fds: list[int]) -> None:
    body = json.dumps(message).encode("ascii")
    head = len(body).to_bytes(8, "big") + body
    if fds:
        sent = socket.send_fds(sock, [head], fds)
        sock.sendall(head[sent:])
    else:
        sock.sendall(head)


#: Longest line the server sends (`ready`, `pid N`, `exit N`, `stale`, or a status in JSON).
_LONGEST_LINE = 64 * 1024


def _line(sock: socket.socket) -> str:
    """One line from the server; ValueError if it closes first or sends too much."""
    got = b""
    while not got.endswith(b"\n"):
        chunk = sock.recv(1)
        if not chunk or len(got) > _LONGEST_LINE:
            raise ValueError("no answer")
        got += chunk
    return got[:-1].decode("utf-8")


def start(place: str, argv: list[str], *, after_stale: bool = False) -> None:
    """Start a server at `place` in the background, unless one is already starting or running there.

    It runs the same interpreter with the same search path, in a session of its own, its
    output added to a log beside the socket; it first lays out what `argv` asked for, in
    memory, so that the next build of the same leaflet finds it warm. Nothing here can stop
    the command itself. `after_stale`: a stale server still holds the lock for a moment; the
    new one waits for it.
    """
    if not after_stale and _locked(place):
        return
    cwd = _working_folder()
    env = dict(os.environ)
    env["LEAFLET_SERVER_PATH"] = json.dumps(search_path())
    env["LEAFLET_SERVER_FIRST"] = json.dumps({"argv": argv, "cwd": cwd} if cwd else None)
    code = (
        "import json, os, sys; sys.path[:] = json.loads(os.environ.pop('LEAFLET_SERVER_PATH')); "
        "from leaflet.server.serve import main; main(sys.argv[1])"
    )
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, place + ".log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    with contextlib.suppress(OSError):
        os.posix_spawn(
            sys.executable,
            [sys.executable, "-c", code, place],
            env,
            file_actions=actions,
            setsid=True,
            setsigdef=STOPPING,  # the server's own, whatever this command ignores
        )


def _locked(place: str) -> bool:
    """Whether a server holds `place`'s lock (it is starting, or running)."""
    import fcntl

    try:
        fd = os.open(lock_path(place), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def ask(op: str) -> dict[str, Any] | None:
    """`status` or `stop` put to this environment's server; None when none answers."""
    place = address() if wanted() or op == "stop" else None
    if place is None:
        return None
    sock = _connect(place)
    if sock is None:
        return None
    with sock:
        try:
            _send(sock, {"op": op}, [])
            return json.loads(_line(sock))
        except (OSError, ValueError):
            return None


def _say(text: str) -> None:
    try:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
