"""The command line: `python make_leaflet.py [build CONTENT… [options]]`.

The only place that prints or chooses an exit code: 0 built (or up to date),
2 bad input or usage. Errors are one line each, `file:line:col: error: message`,
with no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from leaflet import __version__
from leaflet.errors import LeafletError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2

DEFAULT_CONTENT = Path("content.yaml")
EDITION_NAMES = ("standard", "large-print", "booklet", "press", "all")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
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
        type=Path,
        help="where to write: a .pdf file name for one leaflet (other editions beside it, "
        "OUT-large-print.pdf, …) or a folder (default: output/)",
    )
    build.add_argument(
        "--style",
        help="the style sheet of the standard and press editions: a name from styles/ or a path "
        "to a .yaml file (default: default)",
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
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`leaflet check | head`): stop quietly, as command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["build", str(DEFAULT_CONTENT)])
    if args.command == "check":
        return _check(args.content, args.format, args.strict, args.today or date.today())
    from leaflet import editions

    try:
        chosen = editions.resolve(args.edition or [])
    except KeyError as exc:
        parser.error(f"unknown edition {exc.args[0]!r} (choose from {', '.join(EDITION_NAMES)})")
    if args.command == "watch":
        from leaflet.watch import watch

        return watch(args.content, chosen, args.style, args.output)
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    return _build(args.content, chosen, args.style, args.output, args.jobs, args.force)


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
        clashing = batch.clashes(contents, editions, output)
        if clashing:
            raise LeafletError(clashing)
        if len(contents) > 1 and output is not None and output.suffix.lower() == ".pdf":
            raise LeafletError.usage("-o names one PDF, but there are several leaflets: give a folder")
    except LeafletError as exc:
        _print_problems(exc.problems)
        return EXIT_BAD_INPUT
    progress = Progress(sys.stderr, quiet=len(contents) == 1)
    try:
        outcomes = batch.run(contents, editions, style, output, force, jobs, progress.report)
    except KeyboardInterrupt:
        print("leaflet: interrupted; every PDF is either whole or as it was", file=sys.stderr)
        return 130
    progress.finish(outcomes)
    return EXIT_BAD_INPUT if any(o.status == "failed" for o in outcomes) else EXIT_OK


def _check(inputs: list[Path], fmt: str, strict: bool, today: date) -> int:
    import json

    from leaflet import batch
    from leaflet.build import pages_for_checks, plan
    from leaflet.checks import project_settings, run_checks
    from leaflet.errors import Severity

    findings = []
    unreadable = False
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
            )
        except LeafletError as exc:
            _print_problems(exc.problems)
            unreadable = True
        except Exception as exc:
            print(f"{content}: error: internal error ({type(exc).__name__}: {exc})", file=sys.stderr)
            unreadable = True
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
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            print(finding)
        counts = {level: sum(1 for f in findings if f.severity == level) for level in Severity}
        print(
            f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
            f"{counts[Severity.ADVICE]} pieces of advice",
            file=sys.stderr,
        )
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    if unreadable:
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if any(f.severity in failing for f in findings) else EXIT_OK


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


class Progress:
    """done/total and the file just finished, on one line when the terminal allows; a summary at the end."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.live = stream.isatty()

    def report(self, done: int, total: int, outcome: object) -> None:
        from leaflet.batch import Outcome

        assert isinstance(outcome, Outcome)
        for path in outcome.paths:
            print(path)  # the files made (or up to date), one per line, for scripts
        for finding in outcome.findings:
            print(finding, file=self.stream)
        if outcome.status == "failed":
            if self.live:
                self.stream.write("\r\x1b[K")
            _print_problems(outcome.problems)
        if self.quiet:
            if outcome.status == "skipped":
                print(f"up to date: {outcome.content} (use --force to build it again)", file=self.stream)
            return
        line = f"[{done}/{total}] {outcome.status}: {outcome.content}"
        if self.live:
            self.stream.write("\r\x1b[K" + line)
            self.stream.flush()
        else:
            print(line, file=self.stream)

    def finish(self, outcomes: list[object]) -> None:
        from leaflet.batch import Outcome

        if self.live and not self.quiet:
            self.stream.write("\n")
        failed = [o for o in outcomes if isinstance(o, Outcome) and o.status == "failed"]
        if self.quiet:
            return
        counts = {
            s: sum(1 for o in outcomes if getattr(o, "status", "") == s)
            for s in ("built", "skipped", "failed")
        }
        print(
            f"{counts['built']} built, {counts['skipped']} up to date, {counts['failed']} failed",
            file=self.stream,
        )
        for outcome in failed:
            print(f"  failed: {outcome.content}", file=self.stream)


if __name__ == "__main__":
    sys.exit(main())
