"""The command line: `python make_leaflet.py [build CONTENT… [options]]`.

The only place that prints or chooses an exit code: 0 built (or up to date),
2 bad input or usage, 130 stopped by Ctrl-C, 143 stopped by SIGTERM. Errors
are one line each, `file:line:col: error: message`, with no traceback. Output
that cannot be written (a reader gone away, a full disk, a terminal that
cannot show a character) never stops the work.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from leaflet import __version__
from leaflet.errors import LeafletError
from leaflet.stopping import signal_name, stopped_line

if TYPE_CHECKING:
    from datetime import date

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

DEFAULT_CONTENT = Path("content.yaml")
EDITION_NAMES = ("standard", "large-print", "booklet", "press", "web", "all")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        _say(sys.stderr, f"{self.prog}: error: {message}")
        raise SystemExit(EXIT_BAD_INPUT)


def command_line() -> argparse.ArgumentParser:
    """The command line's parser: every command, its options and their help."""
    parser = _Parser(
        prog="leaflet",
        description="Publish patient-information leaflets, written as YAML, as accessible PDFs. "
        "With no command, builds content.yaml (the editions it lists) into output/.",
    )
    parser.add_argument("--version", action="version", version=f"leaflet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    build = commands.add_parser(
        "build",
        help="build leaflet PDFs from content files",
        description="Build each content file (or every *.yaml in each folder) into its editions. "
        "A leaflet whose inputs have not changed since it was built is skipped.",
    )
    build.add_argument("content", type=Path, nargs="+", help="content files (YAML) or folders of them")
    build.add_argument(
        "-o",
        "--output",
        type=_output_path,
        help="where to write: a .pdf file name for one leaflet (other editions beside it, "
        "OUT-large-print.pdf, …) or a folder (default: output/)",
    )
    build.add_argument(
        "--style",
        help="the style sheet of the standard and press editions: a name (styles/NAME.yaml, else a "
        "built-in sheet) or a path holding a / or ending in .yaml (default: default)",
    )
    build.add_argument(
        "--edition",
        action="append",
        metavar="NAME",
        help=f"an edition to build ({', '.join(EDITION_NAMES)}); repeat it or give several "
        "separated by commas (default: the editions the content file lists, else standard)",
    )
    build.add_argument(
        "-j", "--jobs", type=int, default=1, help="build this many leaflets at once (default: 1)"
    )
    build.add_argument("--force", action="store_true", help="build even the leaflets that are up to date")

    watch = commands.add_parser(
        "watch",
        help="rebuild a leaflet's editions every time one of its files is saved",
        description="Build the editions of one content file, then again every time the content, a style "
        "sheet or a font is saved, printing the time each build took and what it finds. Ctrl-C stops.",
    )
    watch.add_argument("content", type=Path, help="the content file (YAML)")
    for flag in ("-o", "--style", "--edition"):
        action = next(a for a in build._actions if flag in a.option_strings)
        watch._add_action(action)

    check = commands.add_parser(
        "check",
        help="check leaflets against the patient-information standards",
        description="Read each leaflet as a second editor would: trust (dates, publisher, contacts), plain "
        "language (advice), links, structure, and legibility measured on the laid-out pages. Exit status "
        "1 when there is an error (or a warning, with --strict). Rules are listed in docs/checks.md.",
    )
    check.add_argument(
        "content", type=Path, nargs="*", default=[DEFAULT_CONTENT], help="content files or folders"
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="how to print findings")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="check as on this date (default: today)",
    )
    server = commands.add_parser(
        "server",
        help="show or stop the build server that later commands hand their work to",
        description="The first build or check starts a build server in the background: a warm process "
        "that runs each later command in a child of its own, so that it starts in a fraction of the "
        "time. It stops after 15 minutes without a command (LEAFLET_SERVER_IDLE, in seconds), or when "
        "the tool, its packages or the system's fonts change. LEAFLET_SERVER=off runs every command "
        "in its own process.",
    )
    server.add_argument("action", choices=("status", "stop"), help="show whether one is running, or stop it")
    return parser


def _output_path(text: str) -> Path:
    """Where to write: an empty name is refused (it would be the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("give a file name ending in .pdf or a folder; it is empty")
    return Path(text)


def _iso_date(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    _tolerant_streams()
    restore = _stop_on_signals()
    try:
        return _main(argv)
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        _say(sys.stderr, stopped_line(signum))
        return 128 + signum
    finally:
        restore()


def _stop_on_signals() -> Callable[[], None]:
    """Ctrl-C and SIGTERM stop the tool cleanly, in one line, never half-way through a write.

    Each signal is noted before its exception is raised, so that a batch stops even
    where Python drops the exception (a signal arriving inside a fork or a finaliser).
    """
    from leaflet import batch

    def stop(signum: int, frame: object) -> None:
        batch.stop_requested(signum)
        raise batch.Stopped(signum)

    batch.reset_stop()
    try:
        previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread: leave signals to whoever owns it
        return lambda: None

    def restore() -> None:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

    return restore


def _tolerant_streams() -> None:
    """Output that cannot take a character shows it escaped (an old terminal, PYTHONIOENCODING=ascii)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]


def _say(stream: TextIO | None, text: str = "", end: str = "\n", *, raw: bool = False) -> None:
    """Write a line; output that fails (a reader gone, a full disk) is dropped, the work goes on.

    Control characters (a line break in a value or a file name) are shown escaped,
    so that every message stays on its one line.
    """
    if stream is None:
        return
    try:
        stream.write((text if raw else _visible(text)) + end)
        stream.flush()
    except (OSError, ValueError):
        _silence(stream)


def _visible(text: str) -> str:
    return "".join(
        ch if ch in "\r\x1b" or unicodedata.category(ch) != "Cc" else ch.encode("unicode_escape").decode()
        for ch in text
    )


def _silence(stream: TextIO) -> None:
    """Send the rest of a failed stream to /dev/null, so that nothing is tried (or raised) again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _main(argv: Sequence[str] | None) -> int:
    parser = command_line()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["build", str(DEFAULT_CONTENT)])
    if args.command == "server":
        return _server(args.action)
    if args.command == "check":
        from datetime import date

        return _check(args.content, args.format, args.strict, args.today or date.today())
    from leaflet import editions

    try:
        chosen = editions.resolve(args.edition or [])
    except KeyError as exc:
        parser.error(f"unknown edition {exc.args[0]!r} (choose from {', '.join(EDITION_NAMES)})")
    if args.command == "watch":
        from leaflet.errors import display_path
        from leaflet.safeio import FileProblem, read_file
        from leaflet.watch import watch

        try:
            read_file(args.content, 0, whole=False)  # one content file to watch, there and readable
        except FileProblem as exc:
            folder = "; watch takes one content file" if args.content.is_dir() else ""
            _say(sys.stderr, f"{display_path(args.content)}: error: {exc.reason}{folder}")
            return EXIT_BAD_INPUT
        return watch(args.content, chosen, args.style, args.output)
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    return _build(args.content, chosen, args.style, args.output, args.jobs, args.force)


def _server(action: str) -> int:
    from leaflet.server import wanted
    from leaflet.server.client import ask

    answer = ask(action)
    if answer is None:
        off = "" if wanted() else " (LEAFLET_SERVER is off: every command runs in its own process)"
        _say(sys.stdout, f"leaflet: no build server is running for this environment{off}")
        return EXIT_OK
    if action == "stop":
        _say(sys.stdout, f"leaflet: build server {answer['stopping']} stopped")
        return EXIT_OK
    _say(
        sys.stdout,
        f"leaflet: build server {answer['pid']} running since "
        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(answer['since']))}; "
        f"{answer['served']} commands served, {answer['running']} running now, "
        f"{answer['rehearsed']} commands' leaflets kept laid out; "
        f"stops after {answer['idle_seconds']:g} s without a command",
    )
    return EXIT_OK


def _build(
    inputs: list[Path],
    editions: tuple[str, ...],
    style: str | None,
    output: Path | None,
    jobs: int,
    force: bool,
) -> int:
    from leaflet import batch

    try:
        contents = batch.expand(inputs)
        known: dict[Path, tuple[str, ...]] = {}  # up to date: not looked at twice
        clashing = batch.clashes(
            contents, editions, output, style, meanwhile=lambda: batch.warm_up(editions, style), known=known
        )
        if clashing:
            raise LeafletError(clashing)
        if len(contents) > 1 and output is not None and output.suffix.lower() == ".pdf":
            raise LeafletError.usage("-o names one PDF, but there are several leaflets: give a folder")
    except LeafletError as exc:
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT
    progress = Progress(sys.stderr, quiet=len(contents) == 1)
    try:
        outcomes = batch.run(contents, editions, style, output, force, jobs, progress.report, known)
    except KeyboardInterrupt as exc:
        signum = getattr(exc, "signum", signal.SIGINT)
        progress.stopped()
        _say(
            sys.stderr,
            f"leaflet: stopped ({signal_name(signum)}) after {progress.done} of {len(contents)} leaflets; "
            "every PDF listed is whole, and no unfinished PDF was written",
        )
        return 128 + signum
    progress.finish(outcomes)
    return EXIT_BAD_INPUT if any(o.status == "failed" for o in outcomes) else EXIT_OK


def _check(inputs: list[Path], fmt: str, strict: bool, today: date) -> int:
    import json

    from leaflet import batch
    from leaflet.build import page_for_checks, pages_for_checks, plan
    from leaflet.checks import project_settings, run_checks
    from leaflet.errors import Severity

    findings = []
    unreadable = 0  # the files that could not be read
    try:
        contents = batch.expand(inputs)
    except LeafletError as exc:
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT
    for content in contents:
        # One file that cannot be read must not hide what the others have to say.
        try:
            work = plan(content)
            findings += run_checks(
                work.leaflet,
                today=today,
                project=project_settings(content),
                pdfs=pages_for_checks(work),
                styles=tuple(e.style for e in work.editions),
                web=page_for_checks(work),
            )
        except LeafletError as exc:
            _print_problems(exc.problems)
            unreadable += 1
        except Exception as exc:
            _say(sys.stderr, f"{content}: error: internal error ({type(exc).__name__}: {exc})")
            unreadable += 1
        batch.check_stop()
    if fmt == "json":
        rows = [
            {
                "file": f.location.file,
                "line": f.location.line,
                "column": f.location.column,
                "level": f.severity.value,
                "message": f.message,
                "rule": f.rule,
            }
            for f in findings
        ]
        _say(sys.stdout, json.dumps(rows, ensure_ascii=False, indent=2), raw=True)
    else:
        for finding in findings:
            _say(sys.stdout, str(finding))
        counts = {level: sum(1 for f in findings if f.severity == level) for level in Severity}
        # A file that could not be checked (not read, or refused) is not "0 errors": it is said.
        if unreadable < len(contents):
            unread = f" ({unreadable} of {len(contents)} files could not be checked)" if unreadable else ""
            _say(
                sys.stderr,
                f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
                f"{counts[Severity.ADVICE]} pieces of advice{unread}",
            )
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if unreadable:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(f.severity in failing for f in findings) else EXIT_OK


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        _say(sys.stderr, str(problem))


class Progress:
    """done/total and the file just finished, on one line when the terminal allows; a summary at the end."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.done = 0
        try:
            self.live = stream.isatty()
        except (OSError, ValueError):
            self.live = False

    def report(self, done: int, total: int, outcome: object) -> None:
        from leaflet.batch import Outcome

        assert isinstance(outcome, Outcome)
        self.done = done
        for path in outcome.paths:
            _say(sys.stdout, path)  # the files made (or up to date), one per line, for scripts
        for finding in outcome.findings:
            _say(self.stream, finding)
        if outcome.status == "failed":
            if self.live:
                _say(self.stream, "\r\x1b[K", end="")
            _print_problems(outcome.problems)
        if self.quiet:
            if outcome.status == "skipped":
                _say(self.stream, f"up to date: {outcome.content} (use --force to build it again)")
            return
        line = f"[{done}/{total}] {outcome.status}: {outcome.content}"
        if self.live:
            _say(self.stream, "\r\x1b[K" + line, end="")
        else:
            _say(self.stream, line)

    def stopped(self) -> None:
        if self.live and not self.quiet:
            _say(self.stream)

    def finish(self, outcomes: list[object]) -> None:
        from leaflet.batch import Outcome

        if self.live and not self.quiet:
            _say(self.stream)
        failed = [o for o in outcomes if isinstance(o, Outcome) and o.status == "failed"]
        if self.quiet:
            return
        counts = {
            s: sum(1 for o in outcomes if getattr(o, "status", "") == s)
            for s in ("built", "skipped", "failed")
        }
        _say(
            self.stream,
            f"{counts['built']} built, {counts['skipped']} up to date, {counts['failed']} failed",
        )
        for outcome in failed:
            _say(self.stream, f"  failed: {outcome.content}")


if __name__ == "__main__":
    sys.exit(main())
