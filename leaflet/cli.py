"""The command line: `python make_leaflet.py [build CONTENT [-o OUT] [--style S]]`.

The only place that prints or chooses an exit code: 0 built, 2 bad input or
usage. Errors are one line each, `file:line:col: error: message`, with no
traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from leaflet import __version__
from leaflet.errors import LeafletError

EXIT_OK = 0
EXIT_BAD_INPUT = 2

DEFAULT_CONTENT = Path("content.yaml")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="leaflet",
        description="Publish patient-information leaflets, written as YAML, as accessible PDFs. "
        "With no command, builds content.yaml with the default style into output/.",
    )
    parser.add_argument("--version", action="version", version=f"leaflet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    build = commands.add_parser("build", help="build a leaflet PDF from a content file")
    build.add_argument("content", type=Path, help="the content file (YAML)")
    build.add_argument(
        "-o", "--output", type=Path, help="where to write the PDF (default: output/<slug>.pdf)"
    )
    build.add_argument(
        "--style",
        default="default",
        help="a style sheet: a name from styles/ (default: %(default)s) or a path to a .yaml file",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        args = _parser().parse_args(["build", str(DEFAULT_CONTENT)])
    return _build(args.content, args.output, args.style)


def _build(content: Path, output: Path | None, style: str) -> int:
    from leaflet.build import build_leaflet

    try:
        built = build_leaflet(content, style, output)
    except LeafletError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("leaflet: interrupted; no file was changed", file=sys.stderr)
        return 130
    print(built.path)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
