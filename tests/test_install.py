"""Installed from a wheel (not from the source folder), leaflet has everything it needs to build every edition."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import CONTENT, ROOT


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.wheel
def test_a_wheel_install_builds_every_edition_from_another_folder(tmp_path: Path) -> None:
    # The sources only, copied: building a wheel in the project folder would leave build/ behind.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "leaflet", source / "leaflet", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp_path / "wheels"
    made = _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        wheels,
        ".",
        cwd=source,
    )
    assert made.returncode == 0, made.stderr
    (wheel,) = wheels.glob("leaflet-*.whl")

    venv = tmp_path / "venv"
    assert (
        _run(
            sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=tmp_path
        ).returncode
        == 0
    )
    python = venv / "bin" / "python"
    # The installed copy, not this one: a PYTHONPATH naming the project would also make pip take
    # the wheel for installed already (the project's own .egg-info).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    installed = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--no-deps",
        "-q",
        wheel,
        cwd=tmp_path,
        env=env,
    )
    assert installed.returncode == 0, installed.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run(python, "-c", "import leaflet; print(leaflet.__file__)", cwd=elsewhere, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    built = _run(python, "-m", "leaflet.cli", "build", CONTENT, "--edition", "all", cwd=elsewhere, env=env)
    assert built.returncode == 0, built.stderr
    made = [Path(p) for p in built.stdout.split()]
    assert sorted(p.name for p in made if p.suffix == ".pdf") == [
        "ccsvi-a5.pdf",
        "ccsvi-booklet.pdf",
        "ccsvi-large-print.pdf",
        "ccsvi-press.pdf",
        "ccsvi.pdf",
    ]
    assert all((elsewhere / p).is_file() for p in made)
    assert all(pdf.stat().st_size > 10_000 for pdf in (elsewhere / "output").glob("*.pdf"))

    # The installed `leaflet` command, and the build server it starts (switched on here, in a
    # socket folder of the test's own): a second build is run by it, and writes the same PDF.
    runtime = Path(tempfile.mkdtemp(prefix="lf", dir="/tmp"))  # short: a socket's path is limited
    served_env = {k: v for k, v in env.items() if k != "LEAFLET_SERVER"}
    served_env.update(XDG_RUNTIME_DIR=str(runtime), LEAFLET_SERVER_IDLE="60")
    command = venv / "bin" / "leaflet"
    build = [command, "build", CONTENT, "--edition", "standard", "--force", "-o"]
    try:
        first = _run(*build, elsewhere / "first.pdf", cwd=elsewhere, env=served_env)
        assert first.returncode == 0, first.stderr
        until, status = time.monotonic() + 60, ""
        while "running since" not in status and time.monotonic() < until:
            time.sleep(0.2)
            status = _run(command, "server", "status", cwd=elsewhere, env=served_env).stdout
        assert "0 commands served" in status, status
        second = _run(*build, elsewhere / "second.pdf", cwd=elsewhere, env=served_env)
        assert second.returncode == 0, second.stderr
        status = _run(command, "server", "status", cwd=elsewhere, env=served_env).stdout
        assert re.search(r"; 1 commands served", status), status
        assert (elsewhere / "second.pdf").read_bytes() == (elsewhere / "first.pdf").read_bytes()
    finally:
        _run(command, "server", "stop", cwd=elsewhere, env=served_env)
        shutil.rmtree(runtime, ignore_errors=True)
