"""The build server: real commands, a real server in the background, and what each command sees.

Each test runs `make_leaflet.py` in processes of its own with the server switched on (the
rest of the suite switches it off), in a socket folder of its own, and stops its server at the
end. A server takes a second or two to start: the tests wait for `server status` to say so.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import CONTENT, ROOT, metadata_block, require_tool

STARTS_WITHIN = 60.0
#: The promise is one second (tests/test_signals.py); the margin is for a machine busy with other work.
STOP_WITHIN = 2.0


def _leaflet(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "make_leaflet.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _status(env: dict[str, str]) -> tuple[int, int] | None:
    """The running server's pid and the commands it has served; None when none answers."""
    said = _leaflet(["server", "status"], env).stdout
    found = re.search(r"build server (\d+) running since .*; (\d+) commands served", said)
    return (int(found[1]), int(found[2])) if found else None


#: Every server a test has seen: each must have ended once the test is over.
_SEEN: list[int] = []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # ended, waiting to be reaped by whoever took it over


def _ready(env: dict[str, str], other_than: int | None = None) -> tuple[int, int]:
    """Wait until a server answers (another than `other_than`, if given)."""
    until = time.monotonic() + STARTS_WITHIN
    while time.monotonic() < until:
        status = _status(env)
        if status is not None and status[0] != other_than:
            _SEEN.append(status[0])
            return status
        time.sleep(0.2)
    pytest.fail("no build server answered within a minute")


@pytest.fixture
def env() -> Iterator[dict[str, str]]:
    """The environment of commands that use a server, with a socket folder of their own."""
    runtime = Path(tempfile.mkdtemp(prefix="lf", dir="/tmp"))  # short: a socket's path is limited
    env = {k: v for k, v in os.environ.items() if k != "LEAFLET_SERVER"}
    env.update(XDG_RUNTIME_DIR=str(runtime), LEAFLET_SERVER_IDLE="120")
    _SEEN.clear()
    try:
        yield env
    finally:
        _leaflet(["server", "stop"], env)
        until = time.monotonic() + 5.0
        while time.monotonic() < until and any(map(_alive, _SEEN)):
            time.sleep(0.1)
        left = [pid for pid in _SEEN if _alive(pid)]
        for pid in left:  # a server that did not stop is stopped for it, and the test fails
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(runtime, ignore_errors=True)
        assert not left, "a build server did not stop"


def _log(env: dict[str, str]) -> str:
    """What the servers of this environment said and wrote to their logs (shown when a test fails)."""
    said = _leaflet(["server", "status"], env)
    folder = Path(env["XDG_RUNTIME_DIR"]) / "leaflet"
    logs = "".join(p.read_text("utf-8", "replace") for p in folder.glob("*.log"))
    return (
        f"status: {said.stdout}{said.stderr}\nfiles: {sorted(p.name for p in folder.iterdir())}\nlogs: {logs}"
    )


def _build(content: Path, out: Path, env: dict[str, str], *more: str) -> subprocess.CompletedProcess[str]:
    return _leaflet(["build", str(content), "--edition", "standard", "--force", "-o", str(out), *more], env)


def test_a_later_build_is_run_by_the_server_and_writes_the_same_pdf(
    tmp_path: Path, env: dict[str, str]
) -> None:
    first = _build(CONTENT, tmp_path / "first.pdf", env)
    assert first.returncode == 0, first.stderr
    pid, served = _ready(env)
    assert served == 0
    later = _build(CONTENT, tmp_path / "later.pdf", env)
    assert later.returncode == 0, later.stderr
    assert _status(env) == (pid, 1)
    # What it printed and wrote is what its own process prints and writes.
    alone = _build(CONTENT, tmp_path / "alone.pdf", {**env, "LEAFLET_SERVER": "off"})
    assert _status(env) == (pid, 1)
    assert later.stdout.replace("later.pdf", "X") == alone.stdout.replace("alone.pdf", "X") != ""
    assert later.stderr == alone.stderr
    assert (tmp_path / "later.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()


def test_the_server_lays_out_each_new_commands_leaflets_once(tmp_path: Path, env: dict[str, str]) -> None:
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    _ready(env)
    assert _kept(env) == 1  # the first command's, laid out as the server started
    assert _build(CONTENT, tmp_path / "elsewhere.pdf", env).returncode == 0  # the same leaflet
    other = ROOT / "tests" / "data" / "mri-scan.yaml"
    for _ in range(2):
        built = _build(other, tmp_path / "mri.pdf", env)
        assert built.returncode == 0, built.stderr
    assert _kept(env) == 2
    # What it laid out changes nothing a command writes.
    alone = _build(other, tmp_path / "alone.pdf", {**env, "LEAFLET_SERVER": "off"})
    assert alone.returncode == 0, alone.stderr
    assert (tmp_path / "mri.pdf").read_bytes() == (tmp_path / "alone.pdf").read_bytes()


def _kept(env: dict[str, str]) -> int:
    said = _leaflet(["server", "status"], env).stdout
    found = re.search(r"(\d+) commands' leaflets kept laid out", said)
    assert found, said
    return int(found[1])


def test_the_server_runs_a_command_in_its_folder_with_its_environment_streams_and_exit_status(
    tmp_path: Path, env: dict[str, str]
) -> None:
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, served = _ready(env)
    folder = tmp_path / "dossier é"
    folder.mkdir()
    (folder / "broken.yaml").write_text(metadata_block("A", "a") + "sections:\n  - heading: [\n", "utf-8")
    # A relative path, from the command's own folder; an error with a character beyond ASCII.
    bad = _leaflet(["build", "broken.yaml"], env, cwd=folder)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert re.fullmatch(r"broken\.yaml:\d+:\d+: error: [^\n]+\n", bad.stderr), bad.stderr
    # A variable set for one command only: LEAFLET_UNTAGGED=1 leaves the structure tree out.
    (folder / "ccsvi.yaml").write_text(CONTENT.read_text("utf-8"), "utf-8")
    untagged = _leaflet(
        ["build", "ccsvi.yaml", "--edition", "standard", "--force", "-o", "plain.pdf"],
        {**env, "LEAFLET_UNTAGGED": "1"},
        cwd=folder,
    )
    assert untagged.returncode == 0, untagged.stderr
    assert "/StructTreeRoot" not in PdfReader(folder / "plain.pdf").trailer["/Root"]
    assert "/StructTreeRoot" in PdfReader(tmp_path / "first.pdf").trailer["/Root"]
    # The umask the command had: the PDF is no more open than its own process would make it.
    umasked = subprocess.run(
        [sys.executable, "-c", "import os, runpy, sys; os.umask(0o077); sys.argv[0] = sys.argv.pop(1); "
         "sys.path[0] = os.path.dirname(sys.argv[0]); runpy.run_path(sys.argv[0], run_name='__main__')",
         str(ROOT / "make_leaflet.py"), "build", "ccsvi.yaml", "--edition", "standard", "--force", "-o", "own.pdf"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert umasked.returncode == 0, umasked.stderr
    assert stat.S_IMODE((folder / "own.pdf").stat().st_mode) & 0o077 == 0
    assert _status(env) == (pid, served + 3)


def test_ctrl_c_reaches_the_command_the_server_runs_and_leaves_only_whole_pdfs(
    tmp_path: Path, env: dict[str, str]
) -> None:
    require_tool("pdfinfo")
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, served = _ready(env)
    proc, earlier = _batch_started(tmp_path, env, 24, "--jobs", "2")
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    rc = proc.wait(timeout=30)
    took = time.monotonic() - start
    assert proc.stderr is not None
    errors = "".join(earlier) + proc.stderr.read()
    assert rc == 130, errors
    assert took < STOP_WITHIN, f"took {took:.2f} s to stop"
    stopped = [line for line in errors.splitlines() if line.startswith("leaflet: stopped")]
    assert len(stopped) == 1 and "(Ctrl-C)" in stopped[0], errors
    time.sleep(1.0)  # nothing goes on writing once the command has ended
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    pdfs = sorted((tmp_path / "out").glob("*.pdf"))
    assert 0 < len(pdfs) < 24, "the batch was not stopped"
    assert not [name for name in names if name.endswith(".tmp")], names
    assert all(subprocess.run(["pdfinfo", str(p)], capture_output=True).returncode == 0 for p in pdfs)
    assert _status(env) == (pid, served + 1), _log(env)  # the server itself was not stopped


def test_a_server_stops_once_a_module_it_loaded_changes_and_not_for_other_files(
    tmp_path: Path, env: dict[str, str]
) -> None:
    extra = tmp_path / "packages"
    extra.mkdir()
    # A module every process here loads at start (as a package's would be): the server holds it.
    (extra / "sitecustomize.py").write_text("ONE = 1\n", "utf-8")
    env["PYTHONPATH"] = str(extra)
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    # A file written beside it (a PDF, an editor's swap file) changes nothing the server loaded.
    (extra / "notes.txt").write_text("", "utf-8")
    assert _build(CONTENT, tmp_path / "second.pdf", env).returncode == 0
    assert _status(env) == (pid, 1)
    (extra / "sitecustomize.py").write_text("ONE, TWO = 1, 2\n", "utf-8")  # as an upgrade would
    again = _build(CONTENT, tmp_path / "again.pdf", env)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "first.pdf").read_bytes()
    # Built in its own process: the old server, stale, did not run it and has gone; a new one is up.
    _, served = _ready(env, other_than=pid)
    assert served == 0


def test_a_server_stops_once_the_systems_fonts_change(tmp_path: Path, env: dict[str, str]) -> None:
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    (tmp_path / "data" / "fonts").mkdir(parents=True)  # where fontconfig finds a user's fonts
    assert _build(CONTENT, tmp_path / "again.pdf", env).returncode == 0
    _, served = _ready(env, other_than=pid)
    assert served == 0


def test_a_socket_folder_open_to_others_is_never_used(tmp_path: Path, env: dict[str, str]) -> None:
    folder = Path(env["XDG_RUNTIME_DIR"]) / "leaflet"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    built = _build(CONTENT, tmp_path / "first.pdf", env)
    assert built.returncode == 0, built.stderr
    time.sleep(1.0)
    assert list(folder.iterdir()) == []
    assert _status(env) is None


def test_switched_off_no_server_is_started(tmp_path: Path, env: dict[str, str]) -> None:
    env["LEAFLET_SERVER"] = "off"
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    time.sleep(1.0)
    assert not (Path(env["XDG_RUNTIME_DIR"]) / "leaflet").exists()
    said = _leaflet(["server", "status"], env).stdout
    assert said.startswith("leaflet: no build server is running") and "LEAFLET_SERVER is off" in said


def test_a_server_stops_when_asked_and_when_left_idle(tmp_path: Path, env: dict[str, str]) -> None:
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    stopped = _leaflet(["server", "stop"], env)
    assert stopped.stdout == f"leaflet: build server {pid} stopped\n"
    time.sleep(1.5)
    assert _status(env) is None
    assert not list((Path(env["XDG_RUNTIME_DIR"]) / "leaflet").glob("*.sock"))
    idle = {**env, "LEAFLET_SERVER_IDLE": "1"}
    assert _build(CONTENT, tmp_path / "again.pdf", idle).returncode == 0
    until = time.monotonic() + STARTS_WITHIN
    while time.monotonic() < until and not list((Path(env["XDG_RUNTIME_DIR"]) / "leaflet").glob("*.sock")):
        time.sleep(0.1)
    time.sleep(3.0)  # a second without a command, and a moment to notice it
    assert not list((Path(env["XDG_RUNTIME_DIR"]) / "leaflet").glob("*.sock"))
    assert _status(idle) is None


def test_a_server_whose_socket_is_removed_ends(tmp_path: Path, env: dict[str, str]) -> None:
    """(A cleaner of temporary folders took it, say: no command could reach the server again.)"""
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    for sock in (Path(env["XDG_RUNTIME_DIR"]) / "leaflet").glob("*.sock"):
        sock.unlink()
    until = time.monotonic() + 5.0
    while time.monotonic() < until and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid)


def test_commands_with_other_limits_reach_other_servers(tmp_path: Path, env: dict[str, str]) -> None:
    """A server's children take its limits, priority and namespaces: a command with others is not served by it."""
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, served = _ready(env)
    limited = subprocess.run(
        [sys.executable, "-c", "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192)); "
         "sys.argv[0] = sys.argv.pop(1); sys.path[0] = sys.argv[0].rpartition('/')[0]; "
         "runpy.run_path(sys.argv[0], run_name='__main__')",
         str(ROOT / "make_leaflet.py"), "build", str(CONTENT), "--edition", "standard", "--force",
         "-o", str(tmp_path / "limited.pdf")],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    # As on its own: too big a file for its limit (the server's children have none).
    assert limited.returncode == 2, limited.stderr
    assert "File too large" in limited.stderr
    assert not (tmp_path / "limited.pdf").exists()
    assert _status(env) == (pid, served)
    assert _build(CONTENT, tmp_path / "after.pdf", env).returncode == 0
    assert _status(env) == (pid, served + 1)


def test_ctrl_c_while_the_server_is_slow_to_answer_stops_the_command(
    tmp_path: Path, env: dict[str, str]
) -> None:
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    os.kill(pid, signal.SIGSTOP)
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "make_leaflet.py"),
                "build",
                str(CONTENT),
                "--force",
                "-o",
                str(tmp_path / "o"),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1.0)
        proc.send_signal(signal.SIGINT)
        start = time.monotonic()
        out, errors = proc.communicate(timeout=30)
        took = time.monotonic() - start
    finally:
        os.kill(pid, signal.SIGCONT)
    assert proc.returncode == 130, errors
    assert took < STOP_WITHIN
    assert errors == "leaflet: stopped (Ctrl-C); nothing half-written was left behind\n"
    assert out == ""
    assert not (tmp_path / "o").exists()


def _batch_started(
    tmp_path: Path, env: dict[str, str], count: int, *options: str, **popen: Any
) -> tuple[subprocess.Popen[str], list[str]]:
    """`count` small leaflets in `src`, their build into `out` started, and what it said until the
    first was built (the others are being built)."""
    src = tmp_path / "src"
    src.mkdir()
    parts = "".join(
        f"  - heading: Part {i}\n    content:\n      - Words of part {i}, enough for a line of their own.\n"
        for i in range(30)
    )
    for n in range(count):
        (src / f"l{n}.yaml").write_text(metadata_block(f"L {n}", f"l-{n}") + "sections:\n" + parts, "utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "make_leaflet.py"), "build", "src", "-o", "out", *options],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    assert proc.stderr is not None
    earlier = []
    for line in proc.stderr:
        earlier.append(line)
        if line.startswith("[1/"):
            break
    return proc, earlier


def test_a_command_that_ignores_sighup_is_not_stopped_by_it(tmp_path: Path, env: dict[str, str]) -> None:
    """(`nohup leaflet build …`: the terminal closing does not stop the build.)"""
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, served = _ready(env)
    proc, _ = _batch_started(
        tmp_path,
        env,
        8,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),  # as nohup does
    )
    proc.send_signal(signal.SIGHUP)
    proc.wait(timeout=120)
    assert proc.returncode == 0
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 8
    assert _status(env) == (pid, served + 1)


def test_a_command_killed_outright_stops_its_build_in_the_server(tmp_path: Path, env: dict[str, str]) -> None:
    require_tool("pdfinfo")
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    _ready(env)
    proc, _ = _batch_started(tmp_path, env, 150, "--jobs", "2")  # a warm server builds two dozen in a second
    proc.kill()  # SIGKILL: nothing can be passed on
    proc.wait(timeout=30)
    time.sleep(STOP_WITHIN)
    made = sorted((tmp_path / "out").glob("*.pdf"))
    time.sleep(1.0)
    assert sorted((tmp_path / "out").glob("*.pdf")) == made, "the build went on without its command"
    assert len(made) < 150
    assert not list((tmp_path / "out").glob("*.tmp"))
    assert all(subprocess.run(["pdfinfo", str(p)], capture_output=True).returncode == 0 for p in made)
    assert _status(env) is not None  # the server itself goes on


def test_a_command_run_from_a_removed_folder_says_so_in_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        "import os, runpy, sys; os.chdir(sys.argv[2]); os.rmdir(sys.argv[2]); "
        "sys.argv[0] = sys.argv.pop(1); del sys.argv[1]; sys.path[0] = os.path.dirname(sys.argv[0]); "
        "runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    said = []
    for _ in range(2):  # with no server (one is started), then with one
        gone.mkdir(exist_ok=True)
        run = subprocess.run(
            [sys.executable, "-c", script, str(ROOT / "make_leaflet.py"), str(gone), "build", str(CONTENT),
             "--edition", "standard", "--force"],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr
        said.append(run.stderr)
        _ready(env)
    assert said[0] == said[1]


def test_a_server_is_named_by_what_its_children_would_take_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings read at start-up or import, and a process's limits, name another server; the rest does not."""
    from leaflet import server

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    first = server.address()
    assert first is not None and first.startswith(str(tmp_path / "leaflet" / "server-"))
    monkeypatch.setenv("SOMETHING_ELSE", "1")  # handed to each command, not part of the name
    monkeypatch.setenv("LEAFLET_UNTAGGED", "1")
    assert server.address() == first
    for name, value in (
        ("RL_pageCompression", "0"),  # ReportLab reads it when imported
        ("PYTHONUTF8", "1"),
        ("LC_ALL", "C"),
        ("XDG_CONFIG_HOME", str(tmp_path)),
        ("LEAFLET_SERVER_IDLE", "5"),
        ("FONTCONFIG_FILE", str(tmp_path / "fonts.conf")),
    ):
        with monkeypatch.context() as changed:
            changed.setenv(name, value)
            assert server.address() != first, name
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft - 1, hard))
    try:
        assert server.address() != first
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert server.address() == first
    (tmp_path / "leaflet").chmod(0o750)  # open to others: never used
    assert server.address() is None


def test_a_command_with_a_standard_stream_closed_runs_as_on_its_own(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """(A descriptor opened to reach the server would take the closed one's number, and be handed
    over as that stream.)"""
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, served = _ready(env)
    said = []
    for switch in ("on", "off"):
        run = subprocess.run(
            [sys.executable, str(ROOT / "make_leaflet.py"), "check", "--format", "json", str(CONTENT)],
            env={**env, "LEAFLET_SERVER": switch},
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            preexec_fn=lambda: os.close(1),
        )
        said.append((run.returncode, run.stderr))
    assert said[0] == said[1]
    assert _status(env) == (pid, served)


def test_ctrl_c_stops_a_command_started_with_it_ignored_as_on_its_own(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """(A shell starts a background job with Ctrl-C ignored; the tool sets its own handler anyway.)"""
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    _ready(env)
    proc, _ = _batch_started(
        tmp_path, env, 150, "--jobs", "2", preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)
    )
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_a_command_stopped_by_ctrl_z_then_killed_outright_stops_its_build(
    tmp_path: Path, env: dict[str, str]
) -> None:
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    proc, _ = _batch_started(tmp_path, env, 150, "--jobs", "2")
    proc.send_signal(signal.SIGTSTP)
    time.sleep(0.5)
    proc.kill()
    proc.wait(timeout=30)
    until = time.monotonic() + 5.0
    while time.monotonic() < until and any(map(_alive, _children(pid))):
        time.sleep(0.1)
    assert not any(map(_alive, _children(pid))), "the stopped child outlived its command"
    made = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(made) < 150
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_a_child_killed_outright_gives_its_command_the_status(tmp_path: Path, env: dict[str, str]) -> None:
    assert _build(CONTENT, tmp_path / "first.pdf", env).returncode == 0
    pid, _ = _ready(env)
    proc, _ = _batch_started(tmp_path, env, 150, "--jobs", "2")
    (child,) = _children(pid)
    os.kill(child, signal.SIGKILL)
    assert proc.wait(timeout=30) == 128 + signal.SIGKILL


def test_a_served_build_after_an_edit_to_its_sheet_or_content_is_a_fresh_pdf(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """What a build reads is read again by each child: nothing the server laid out is served stale."""
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    content = project / "content.yaml"
    content.write_text(CONTENT.read_text("utf-8"), "utf-8")
    sheet = project / "styles" / "house.yaml"
    sheet.write_text('extends: default\ncolours:\n  brand: "#1e4d2b"\n', "utf-8")
    build = ["build", "content.yaml", "--edition", "standard", "--style", "house", "--force", "-o"]
    assert _leaflet([*build, "first.pdf"], env, cwd=project).returncode == 0
    pid, served = _ready(env)
    made = []
    for edit in (
        lambda: sheet.write_text('extends: default\ncolours:\n  brand: "#5a1e4d"\n', "utf-8"),
        lambda: content.write_text(content.read_text("utf-8").replace("research", "studies", 1), "utf-8"),
    ):
        edit()
        served_pdf = _leaflet([*build, "served.pdf"], env, cwd=project)
        alone = _leaflet([*build, "alone.pdf"], {**env, "LEAFLET_SERVER": "off"}, cwd=project)
        assert served_pdf.returncode == alone.returncode == 0, served_pdf.stderr + alone.stderr
        made.append((project / "served.pdf").read_bytes())
        assert made[-1] == (project / "alone.pdf").read_bytes()
    assert (project / "first.pdf").read_bytes() != made[0] != made[1]
    assert _status(env) == (pid, served + 2)
