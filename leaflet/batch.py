"""Many leaflets at once: parallel processes, progress, and skipping what is up to date.

A leaflet is rebuilt only when something it is built from has changed: its
content file, the style sheets of its editions (with the sheets they extend),
the fonts, or the tool itself. What each PDF was built from is recorded in a
small file beside it (`.<name>.pdf.built`), written after the PDF.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from leaflet import __version__
from leaflet.errors import LeafletError, Location, Problem, UsageError

CONTENT_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Outcome:
    """What happened to one content file, in a form that crosses process boundaries."""

    content: str
    status: str  # "built", "skipped" or "failed"
    paths: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    #: What `check` finds (errors and warnings), shown but never failing the build.
    findings: tuple[str, ...] = ()


def expand(inputs: Iterable[Path]) -> list[Path]:
    """Content files named, and those found in folders named (recursively), in a stable order."""
    found: list[Path] = []
    for item in inputs:
        if item.is_dir():
            inside = sorted(
                p
                for p in item.rglob("*")
                if p.suffix in CONTENT_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(item).parts)
                and _looks_like_leaflet(p)
            )
            if not inside:
                raise UsageError(
                    Problem(Location.of_file(item), "a folder with no content files (*.yaml) in it")
                )
            found += inside
        else:
            found.append(item)
    return list(dict.fromkeys(found))


def _looks_like_leaflet(path: Path) -> bool:
    """Everything but the files that are plainly not leaflets: settings files and style sheets.

    Anything else is built, so that a leaflet with a mistake in it is reported, not skipped.
    """
    if path.name == "leaflet-checks.yaml":
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(65536).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return True  # let the build say what is wrong with it
    is_sheet = re.search(rb"^styles\s*:", head, re.MULTILINE) is not None
    return not is_sheet or re.search(rb"^metadata\s*:", head, re.MULTILINE) is not None


def clashes(contents: list[Path], editions: tuple[str, ...], output: Path | None) -> list[Problem]:
    """Leaflets that would write the same PDF (a slug, or a slug and an edition, meeting another's)."""
    from leaflet.editions import A5_SCREEN, EDITIONS
    from leaflet.yamlsource import read_yaml

    if len(contents) < 2:
        return []
    seen: dict[str, Path] = {}
    problems = []
    for content in contents:
        try:
            data = read_yaml(content).data
            slug = data["metadata"]["slug"]
            names = editions or tuple(data.get("editions", ["standard"]))
            chosen = [EDITIONS[n] for n in names]
        except Exception:
            continue
        if any(e.booklet for e in chosen):
            chosen.append(A5_SCREEN)
        for edition in chosen:
            name = edition.file_name(str(slug))
            if name in seen and seen[name] != content:
                problems.append(
                    Problem(
                        Location.of_file(content),
                        f"it would write {name}, as {seen[name]} does: give each leaflet its own slug",
                    )
                )
                break
            seen[name] = content
    return problems


@cache
def _tool_fingerprint() -> str:
    """The tool's version and its own code, so a changed layout rule rebuilds everything."""
    import reportlab

    h = hashlib.sha256(f"{__version__} reportlab {reportlab.Version}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".j2"):
            h.update(path.relative_to(package).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _sheet_files(style: str) -> list[Path]:
    """A style sheet, the sheets it extends, and the font files they name: what a build reads.

    Each sheet is read once; a sheet that cannot be read ends the walk (the build reports it).
    """
    from leaflet.style import find_sheet
    from leaflet.yamlsource import YamlProblem, read_yaml

    files: list[Path] = []
    path = find_sheet(style)
    while path.exists() and path not in files:
        files.append(path)
        try:
            data = read_yaml(path).data
        except YamlProblem:
            break
        if not isinstance(data, dict):
            break
        fonts = data.get("fonts", {})
        families = fonts.get("families", {}) if isinstance(fonts, dict) else {}
        if isinstance(families, dict):
            files += [
                path.parent / str(f)
                for spec in families.values()
                if isinstance(spec, dict)
                for f in spec.values()
            ]
        parent = data.get("extends")
        if not parent:
            break
        path = path.parent / f"{parent}.yaml"
    return files


def _font_files() -> list[Path]:
    import fontpkg_atkinson_hyperlegible
    import fontpkg_noto_sans

    return [
        p for pkg in (fontpkg_atkinson_hyperlegible, fontpkg_noto_sans) for p in Path(pkg.ROOT).rglob("*.ttf")
    ]


def fingerprint(content: Path, editions: tuple[str, ...], styles: Iterable[str]) -> str:
    """What a leaflet's PDFs are built from, as one hash."""
    h = hashlib.sha256(_tool_fingerprint().encode())
    h.update(" ".join(editions).encode())
    h.update(content.read_bytes())
    for style in sorted(set(styles)):
        for file in _sheet_files(style):
            h.update(file.read_bytes() if file.is_file() else b"missing")
    for font in _font_files():
        stat = font.stat()
        h.update(f"{font.name} {stat.st_size} {stat.st_mtime_ns}".encode())
    return h.hexdigest()


def _record(pdf: Path) -> Path:
    return pdf.with_name(f".{pdf.name}.built")


def up_to_date(paths: list[Path], print_: str) -> bool:
    for pdf in paths:
        try:
            if not pdf.exists() or json.loads(_record(pdf).read_text("utf-8")).get("from") != print_:
                return False
        except (OSError, ValueError):
            return False
    return True


def build_one(
    content: Path, editions: tuple[str, ...], style: str | None, output: Path | None, force: bool
) -> Outcome:
    """Build one content file's editions, or skip them when nothing has changed. Never raises."""
    from leaflet.build import build_plan, plan
    from leaflet.checks import project_settings, run_checks, settings_for

    try:
        work = plan(content, editions, style)
        # Settings for the checks are input too: a mistake in them stops the build before
        # anything is written.
        project = project_settings(content)
        settings_for(work.leaflet, project)
        paths = work.paths(output)
        print_ = fingerprint(content, tuple(e.name for e in work.editions), (e.style for e in work.editions))
        if not force and up_to_date(paths, print_):
            return Outcome(str(content), "skipped", tuple(map(str, paths)))
        built = build_plan(work, output)
        findings = run_checks(
            work.leaflet,
            today=date.today(),
            project=project,
            styles=tuple(e.style for e in work.editions),
            # Plain-language advice and the measurements of laid-out pages are `check`'s: the first
            # needs a pronouncing dictionary, the second reads every PDF back, and a build of
            # many leaflets should not pay for either (the layout keeps those rules by construction).
            advice=False,
        )
        for item in built:
            _record(item.path).write_text(json.dumps({"from": print_}), "utf-8")
        return Outcome(
            str(content), "built", tuple(str(b.path) for b in built), findings=tuple(map(str, findings))
        )
    except LeafletError as exc:
        return Outcome(str(content), "failed", problems=tuple(str(p) for p in exc.problems))
    except OSError as exc:
        return Outcome(str(content), "failed", problems=(f"{content}: error: {exc.strerror or exc}",))
    except Exception as exc:  # a bug must not stop the other leaflets of a batch
        return Outcome(
            str(content),
            "failed",
            problems=(f"{content}: error: internal error ({type(exc).__name__}: {exc})",),
        )


def run(
    contents: list[Path],
    editions: tuple[str, ...],
    style: str | None,
    output: Path | None,
    force: bool,
    jobs: int,
    report: Callable[[int, int, Outcome], None],
) -> list[Outcome]:
    """Build every content file; one bad file never stops the others."""
    outcomes: list[Outcome] = []
    total = len(contents)
    if jobs <= 1 or total == 1:
        for content in contents:
            outcome = build_one(content, editions, style, output, force)
            outcomes.append(outcome)
            report(len(outcomes), total, outcome)
        return outcomes
    with ProcessPoolExecutor(max_workers=min(jobs, total)) as pool:
        futures = [pool.submit(build_one, c, editions, style, output, force) for c in contents]
        for future in as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            report(len(outcomes), total, outcome)
    order = {str(c): i for i, c in enumerate(contents)}
    return sorted(outcomes, key=lambda o: order[o.content])
