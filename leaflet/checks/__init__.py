"""`check`: a second reader for editors, against the patient-information standards.

Rules read the content model (trust, plain language, links, structure), the
laid-out pages (legibility) and the web page (its outline and links). Each can be switched off or given another
threshold, in content.yaml under `checks:` or in a `leaflet-checks.yaml` beside
it (or in a folder above it); content.yaml wins.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from leaflet.checks.registry import RULES, CheckContext
from leaflet.content.model import Leaflet
from leaflet.errors import ContentError, Location, Problem, Severity, did_you_mean

PROJECT_FILE = "leaflet-checks.yaml"

# The rules register themselves when their module is imported.
from leaflet.checks import rules as _rules  # noqa: E402,F401
from leaflet.checks import web as _web  # noqa: E402,F401


def project_settings(content: Path) -> tuple[dict[str, Any], dict[str, Location]]:
    """Settings from the nearest leaflet-checks.yaml at or above the content's folder."""
    from leaflet.yamlsource import YamlProblem, read_yaml

    for folder in [content.resolve().parent, *content.resolve().parents]:
        path = folder / PROJECT_FILE
        if path.is_file():
            try:
                doc = read_yaml(path)
            except YamlProblem as exc:
                raise ContentError(exc.problem) from None
            data = doc.data.get("checks", {}) if isinstance(doc.data, dict) else None
            if not isinstance(data, dict) or set(doc.data) - {"checks"}:
                raise ContentError(
                    Problem(doc.at(()), f"{PROJECT_FILE}: expected one key, checks:, holding rule settings")
                )
            return data, {k: doc.at(("checks", k), key=True) for k in data}
    return {}, {}


def settle(settings: dict[str, Any], places: dict[str, Location]) -> dict[str, dict[str, Any] | None]:
    """Rule id → its parameters, or None when switched off. Unknown rules and parameters are errors."""
    problems: list[Problem] = []
    out: dict[str, dict[str, Any] | None] = {}
    for rule_id, value in settings.items():
        where = places.get(rule_id, Location("checks"))
        if rule_id not in RULES:
            problems.append(Problem(where, f"checks: no rule '{rule_id}'{did_you_mean(rule_id, RULES)}"))
            continue
        if value in ("off", False):
            out[rule_id] = None
        elif value in ("on", True, None):
            out[rule_id] = {}
        elif isinstance(value, dict):
            unknown = set(value) - set(RULES[rule_id].params)
            wrong = [
                k
                for k, v in value.items()
                if k in RULES[rule_id].params and (isinstance(v, bool) or not isinstance(v, int | float))
            ]
            for k in wrong:
                problems.append(Problem(where, f"checks: {rule_id}: {k} must be a number, not {value[k]!r}"))
            for k, v in value.items():
                if k in RULES[rule_id].params and k not in wrong and not 0 <= v <= 1000:
                    problems.append(
                        Problem(where, f"checks: {rule_id}: {k} must be between 0 and 1000, not {v}")
                    )
            if unknown:
                known = ", ".join(RULES[rule_id].params) or "none"
                problems.append(
                    Problem(
                        where,
                        f"checks: {rule_id} has no setting {', '.join(sorted(unknown))} (settings: {known})",
                    )
                )
            out[rule_id] = value
        else:
            problems.append(Problem(where, f"checks: {rule_id}: expected off, on or a mapping of settings"))
    if problems:
        raise ContentError(problems)
    return out


def settings_for(
    leaflet: Leaflet, project: tuple[dict[str, Any], dict[str, Location]] = ({}, {})
) -> dict[str, dict[str, Any] | None]:
    """The rules' settings for a leaflet: its project file's, then its own; raise ContentError on a mistake."""
    settings, places = dict(project[0]), dict(project[1])
    settings.update(dict(leaflet.check_settings))
    places.update(dict(leaflet.check_places))
    return settle(settings, places)


def run_checks(
    leaflet: Leaflet,
    *,
    today: date,
    project: tuple[dict[str, Any], dict[str, Location]] = ({}, {}),
    pdfs: dict[str, tuple[bytes, bool]] | None = None,
    styles: tuple[str, ...] = ("default",),
    advice: bool = True,
    web: str | None = None,
) -> list[Problem]:
    """Every finding, in file order. Without `advice`, the plain-language rules are not run at all."""
    chosen = settings_for(leaflet, project)
    ctx = CheckContext(leaflet, today, pdfs or {}, styles, web)
    findings: list[Problem] = []
    for rule_id, rule in RULES.items():
        params = chosen.get(rule_id, {})
        if params is None or (rule.level == Severity.ADVICE and not advice):
            continue
        if (rule.needs_pages and not ctx.pdfs) or (rule.needs_web and ctx.web is None):
            continue
        findings.extend(rule.run(ctx, params))
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.ADVICE: 2}
    return sorted(
        findings, key=lambda p: (p.location.file, p.location.line, p.location.column, order[p.severity])
    )
