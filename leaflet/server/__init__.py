"""The build server: one warm process per environment that runs each command in a child forked from it.

A command's own process spends most of a cold build importing the tool, reading fonts and
compiling patterns before it lays out a page. The first `build` or `check` starts a server
in the background (and builds as before); each later command hands its arguments, working
folder, environment and terminal to the server, whose forked child runs the command exactly
as the command's own process would have, and reports its exit status. The server stops after
`IDLE_SECONDS` without a command, when the tool's code or the installed packages change, and
when the system's fonts change (fontconfig's answers are kept from its start).

This module names the server's place and its switches; it imports nothing heavy, as the
client reads it on every command.
"""

from __future__ import annotations

import os
import stat
import sys

#: `LEAFLET_SERVER=off` (or 0, no, false): every command runs in its own process, as before.
SWITCH = "LEAFLET_SERVER"
#: Seconds the server waits for a command before it stops (`LEAFLET_SERVER_IDLE`).
IDLE = "LEAFLET_SERVER_IDLE"
IDLE_SECONDS = 900.0
#: What the server's warm state depends on, besides the interpreter, its paths and the user:
#: where fonts and the caches are found, the locale (the file-system encoding is chosen at
#: start-up), and the settings read at start-up or import (Python's `PYTHON…`, ReportLab's
#: `RL_…`, the server's own). The rest of the environment is handed to each command.
KEYED = (
    "PATH",
    "HOME",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "LEAFLET_CACHE",
    IDLE,
    "FONTCONFIG_FILE",
    "FONTCONFIG_PATH",
    "FONTCONFIG_SYSROOT",
    "TMPDIR",
    "LANG",
)
KEYED_PREFIXES = ("PYTHON", "RL_", "LC_")
#: The namespaces a process lives in (a sandbox makes its own): a server serves only its own.
_NAMESPACES = ("cgroup", "ipc", "mnt", "net", "pid", "user", "uts")
#: Longest path a Unix socket's address may have (Linux's sun_path, with its terminator).
_LONGEST = 107


def wanted() -> bool:
    """Whether commands may use a server: it is switched on (the default), and the system can run one."""
    if os.environ.get(SWITCH, "").strip().lower() in ("0", "off", "no", "false"):
        return False
    # Fork, descriptors passed over a socket, and the peer's user id checked (SO_PEERCRED).
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def search_path() -> list[str]:
    """Where this process finds modules, a folder named from the working folder made absolute.

    (The server is started with the same. An entry that names no file, such as an editable
    install's path hook, is kept as it is.)
    """
    return [
        os.path.abspath(entry) if not os.path.isabs(entry) and os.path.exists(entry or ".") else entry
        for entry in sys.path
    ]


def address() -> str | None:
    """The server's socket for this interpreter, search path, user and environment; None where none can be kept.

    It lives in a folder only its user can enter: `$XDG_RUNTIME_DIR/leaflet`, else
    `leaflet-UID` in the temporary folder. A folder that is someone else's, a link, or open to
    others is never used.
    """
    import hashlib  # (here: a command that uses no server need not load it)

    key = hashlib.sha256()
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for part in (sys.executable, sys.version, package, *search_path(), *_circumstances()):
        key.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for name in sorted(os.environ):
        if name in KEYED or name.startswith(KEYED_PREFIXES):
            key.update(f"{name}={os.environ[name]}".encode("utf-8", "surrogateescape") + b"\0")
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    folder = (
        os.path.join(runtime, "leaflet")
        if os.path.isabs(runtime)
        else os.path.join(_temporary(), f"leaflet-{os.getuid()}")
    )
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        found = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        return None
    place = os.path.join(folder, f"server-{key.hexdigest()[:20]}.sock")
    return place if len(os.fsencode(place)) <= _LONGEST else None


def _temporary() -> str:
    """The temporary folder (`$TMPDIR`, else /tmp), without `tempfile` (slow to import for this)."""
    named = os.environ.get("TMPDIR", "")
    return named if os.path.isabs(named) and os.path.isdir(named) else "/tmp"


def _circumstances() -> list[str]:
    """What a process takes from the one that started it, and a child of the server would take
    from the server instead: its user and groups, resource limits, priority, scheduling,
    processors, control group, namespaces, capabilities, seccomp and security profile, and how
    the interpreter was started (its flags, the file-system encoding). Commands that differ in
    any of these reach different servers."""
    import resource

    parts = [
        f"{os.getuid()} {os.geteuid()} {os.getgid()} {os.getegid()} {sorted(os.getgroups())}",
        repr(sys.flags),
        f"{sys.getfilesystemencoding()} {sys.getfilesystemencodeerrors()}",
        f"nice {os.getpriority(os.PRIO_PROCESS, 0)}",
        f"cpus {sorted(os.sched_getaffinity(0))}",
    ]
    parts += [
        f"{name} {resource.getrlimit(getattr(resource, name))}"
        for name in dir(resource)
        if name.startswith("RLIMIT_")
    ]
    for name in _NAMESPACES:
        try:
            parts.append(os.readlink(f"/proc/self/ns/{name}"))
        except OSError:
            parts.append(f"{name}:?")
    parts.append(f"scheduler {os.sched_getscheduler(0)}")
    # The control group; capabilities, no_new_privs and seccomp; the security module's profile.
    parts += [_read(path) for path in ("/proc/self/cgroup", "/proc/self/attr/current")]
    parts += [line for line in _read("/proc/self/status").splitlines() if line.startswith(_PRIVILEGES)]
    return parts


#: The lines of /proc/self/status that say what a process may do.
_PRIVILEGES = ("Cap", "NoNewPrivs", "Seccomp")


def _read(path: str) -> str:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            return os.read(fd, 64 * 1024).decode("utf-8", "replace")
        finally:
            os.close(fd)
    except OSError:
        return f"{path}:?"


def lock_path(place: str) -> str:
    """The file a server holds locked for as long as it lives (one server per place)."""
    return place + ".lock"
