"""The rules. Each yields (where, message); its id, level and thresholds are in its decorator.

Sources (see docs/checks.md): PIF TICK criteria and the NHS standard for
creating health content (trust), the NHS service manual and CDC "Simply Put"
(plain language), WCAG 2.2 and RNIB Clear Print (links and legibility),
PDF/UA-1 and the Matterhorn Protocol (structure).
"""

from __future__ import annotations

import calendar
import itertools
import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from leaflet.bounded import Held
from leaflet.checks.registry import CheckContext, rule
from leaflet.checks.text import (
    all_passages,
    as_sentence,
    block_passages,
    heading_passages,
    links,
    sections_with_passages,
    sentences,
    words,
)
from leaflet.content.model import plain_text
from leaflet.errors import Location, Severity
from leaflet.i18n import (
    FURTHER_HEADING,
    KEY_POINTS_HEADING,
    REFERENCES_HEADING,
    TOC_HEADING,
    furniture,
)

Found = Iterator[tuple[Location, str]]


def _shift(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), or the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        return date.max if year > 9999 else date.min
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def read(data: bytes) -> Any:
    """The text operators of a PDF's pages (`checks.pages`, loaded by the first rule that reads pages)."""
    from leaflet.checks import pages

    return pages.read(data)


def extracted(data: bytes) -> Any:
    """A PDF's pages taken out as text, each page once (`checks.pages`)."""
    from leaflet.checks import pages

    return pages.extracted(data)


# ---------------------------------------------------------------- trust


def _review_by(metadata: Any) -> tuple[date, str] | None:
    """The last day the leaflet is in date, and its review date as written: a review due in a
    month (next_review: 2026-05) is due by that month's last day."""
    due = metadata.next_review
    if due is None:
        return None
    if "next_review" in metadata.month_only:
        last = calendar.monthrange(due.year, due.month)[1]
        return due.replace(day=last), due.strftime("%Y-%m")
    return due, due.isoformat()


def _dated_metadata(leaflet: Any) -> Iterator[Any]:
    """The metadata whose dates a leaflet prints: its own, and a bilingual leaflet's English partner's
    (its half prints its own review date)."""
    yield leaflet.metadata
    if leaflet.bilingual is not None:
        yield leaflet.bilingual.english.metadata


@rule("trust/review-date-passed", Severity.ERROR, "the next review date has passed")
def review_passed(ctx: CheckContext, params: dict[str, Any]) -> Found:
    for m in _dated_metadata(ctx.leaflet):
        review = _review_by(m)
        if review is not None and review[0] < ctx.today:
            yield (
                m.place("next_review"),
                f"the review date {review[1]} has passed: review the leaflet before it is printed or sent again",
            )


@rule("trust/review-date-near", Severity.WARNING, "the next review date is near", months=3)
def review_near(ctx: CheckContext, params: dict[str, Any]) -> Found:
    months = int(params["months"])
    for m in _dated_metadata(ctx.leaflet):
        review = _review_by(m)
        if review is not None and ctx.today <= review[0] and _shift(review[0], -months) <= ctx.today:
            yield (
                m.place("next_review"),
                f"the review date {review[1]} is less than {months} months away: plan the review",
            )


@rule("trust/review-period", Severity.WARNING, "the review period is too long", years=3)
def review_period(ctx: CheckContext, params: dict[str, Any]) -> Found:
    m = ctx.leaflet.metadata
    years = int(params["years"])
    limit = _shift(m.published, 12 * years)
    if m.next_review is not None and m.next_review > limit:
        yield (
            m.place("next_review"),
            (
                f"the next review is more than {years} years after publication ({m.published.isoformat()}); "
                f"health information should be reviewed at least every {years} years"
            ),
        )


@rule("trust/no-review-date", Severity.WARNING, "no next review date")
def no_review_date(ctx: CheckContext, params: dict[str, Any]) -> Found:
    m = ctx.leaflet.metadata
    if m.next_review is None:
        yield (
            m.location,
            "no next_review in metadata: health information should say when it will be reviewed "
            "(add next_review: YYYY-MM-DD or YYYY-MM when a date is set)",
        )


@rule("trust/no-version", Severity.WARNING, "no version")
def no_version(ctx: CheckContext, params: dict[str, Any]) -> Found:
    m = ctx.leaflet.metadata
    if m.version is None:
        yield (
            m.location,
            "no version in metadata: a version tells readers and staff which edition they hold "
            '(add version: "1.0")',
        )


#: A way to reach someone written in the words: a web address, an email address, a phone number.
_WRITTEN_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:uk|org|com|net|gov|nhs|ac|info|eu)\b"
    r"|\+?\(?\d[\d ()\u00a0-]{8,}\d"
)
#: …of which these reach a person: an email address, a phone number ("(020) 7946 0958", "020-7946-0958").
_WRITTEN_CONTACT = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\(?\d[\d ()\u00a0-]{8,}\d")


def _panel_says(ctx: CheckContext, found: Any) -> bool:
    """Whether the next steps panel gives what a rule asks for (contact details, a way to give feedback)."""
    panel = ctx.leaflet.next_steps
    if panel is None:
        return False
    return any(found(p) for p in block_passages(panel.blocks))


def _missing(ctx: CheckContext, key: str, what: str) -> Found:
    m = ctx.leaflet.metadata
    if getattr(m, key) is None:
        yield m.location, f"no {key} in metadata: {what}"


FEEDBACK_WORDS = re.compile(r"\b(feedback|what you think|your views|your comments)\b", re.IGNORECASE)


@rule("trust/contact", Severity.WARNING, "no contact details")
def contact(ctx: CheckContext, params: dict[str, Any]) -> Found:
    if _panel_says(
        ctx,
        lambda p: (
            any(k.url.startswith(("tel:", "mailto:")) for k in links(p.inlines))
            or _WRITTEN_CONTACT.search(p.text)
        ),
    ):
        return
    yield from _missing(ctx, "contact", "say how readers can contact the publisher")


@rule("trust/feedback", Severity.WARNING, "no way to give feedback")
def feedback(ctx: CheckContext, params: dict[str, Any]) -> Found:
    if _panel_says(ctx, lambda p: FEEDBACK_WORDS.search(p.text)):
        return
    yield from _missing(ctx, "feedback", "say how readers can give feedback on the leaflet")


@rule("trust/other-formats", Severity.WARNING, "no statement about other formats")
def other_formats(ctx: CheckContext, params: dict[str, Any]) -> Found:
    yield from _missing(
        ctx,
        "other_formats",
        "say that the leaflet comes in other formats (large print, audio, Easy Read) and how to ask",
    )


@rule("trust/quoted-guidance-referenced", Severity.ERROR, "guidance quoted without a reference")
def quoted_guidance(ctx: CheckContext, params: dict[str, Any]) -> Found:
    known = {r.id for r in ctx.leaflet.references}
    for section in ctx.leaflet.all_sections():
        for block in section.blocks:
            for quote in getattr(block, "quotes", ()):
                if quote.source.reference_id not in known:
                    yield quote.location, f"the quotation from {quote.who} names no reference"


@rule(
    "trust/translation-behind", Severity.WARNING, "the English leaflet has moved on since it was translated"
)
def translation_behind(ctx: CheckContext, params: dict[str, Any]) -> Found:
    """A translation says which English version it is of; a newer English means the words may be out of date."""
    origin = ctx.leaflet.metadata.translated_from
    if origin is None:
        return
    from leaflet.errors import LeafletError

    try:
        english = ctx.other(origin.path).metadata
    except LeafletError as exc:
        first = exc.problems[0].message if exc.problems else str(exc)
        yield (
            origin.location,
            f"the English leaflet {origin.file} cannot be read ({first}): is it still there?",
        )
        return
    if str(english.version) != origin.version:
        yield (
            origin.location,
            f"translated from version {origin.version} of {origin.file}, but the English is now "
            + (f"version {english.version}" if english.version is not None else "without a version")
            + f" (published {english.published.isoformat()}): have the changes translated",
        )
    elif origin.date is not None and english.published > origin.date:
        yield (
            origin.location,
            f"translated from {origin.file} as published {origin.date.isoformat()}, but the English was "
            f"published again on {english.published.isoformat()}: have the changes translated",
        )


@rule("trust/translation-incomplete", Severity.WARNING, "a part of the English leaflet has no translation")
def translation_incomplete(ctx: CheckContext, params: dict[str, Any]) -> Found:
    """Each English section and block has its partner in the translation, in the same order.

    A translation (or the Welsh half of a bilingual pair) that lacks a paragraph, a
    list or a section of the English tells its readers less: each English part without
    a partner is reported where the English writes it.
    """
    origin = ctx.leaflet.metadata.translated_from
    if origin is None:
        return
    from leaflet.errors import LeafletError

    try:
        english = ctx.other(origin.path)
    except LeafletError:
        return  # trust/translation-behind says so
    ours = list(ctx.leaflet.all_sections())
    for i, section in enumerate(english.all_sections()):
        if i >= len(ours):
            yield section.location, f"the section '{section.heading}' of {origin.file} has no translation"
            continue
        for block in _unpartnered(section.blocks, ours[i].blocks):
            yield (
                block.location,
                f"this part of '{section.heading}' in {origin.file} has no partner in the translation's "
                f"section '{ours[i].heading}'",
            )
    for block in _unpartnered(english.introduction, ctx.leaflet.introduction):
        yield block.location, f"this part of the introduction of {origin.file} has no translation"


@rule("trust/bilingual-partner", Severity.ERROR, "a block of a bilingual leaflet without its partner")
def bilingual_partner(ctx: CheckContext, params: dict[str, Any]) -> Found:
    """Every Welsh block has its English partner, and every English block its Welsh one.

    A bilingual leaflet says the same in both languages, block by block (the Welsh Language
    Standards: Welsh no less favourably than English); a lonely block is reported where it
    is written, in whichever file that is.
    """
    pair = ctx.leaflet.bilingual
    if pair is None:
        return
    welsh, english = ctx.leaflet.metadata.title, pair.english.metadata.title
    for top in pair.sections:
        for sections in top.walk():
            if sections.english is None and sections.welsh is not None:
                yield (
                    sections.welsh.location,
                    f"the Welsh section '{sections.welsh.heading}' has no English partner in {pair.file}",
                )
                continue
            if sections.welsh is None and sections.english is not None:
                yield (
                    sections.english.location,
                    f"the English section '{sections.english.heading}' has no Welsh partner in '{welsh}'",
                )
                continue
            yield from _lonely(sections.blocks, pair.file, welsh, english)
    yield from _lonely(pair.introduction, pair.file, welsh, english)


def _lonely(pairs: tuple[Any, ...], file: str, welsh: str, english: str) -> Found:
    for p in pairs:
        if p.english is None:
            what = _block_name(p.welsh)
            yield p.welsh.location, f"this Welsh {what} has no English partner in {file} ('{english}')"
        elif p.welsh is None:
            what = _block_name(p.english)
            yield p.english.location, f"this English {what} has no Welsh partner in '{welsh}'"
        else:
            # A list and its partner: item for item (a point left out of one language is lost to its readers).
            counts = [len(getattr(b, "items", getattr(b, "questions", ()))) for b in (p.welsh, p.english)]
            if counts[0] != counts[1]:
                what = _block_name(p.welsh)
                yield (
                    p.welsh.location,
                    f"this Welsh {what} has {_items(counts[0])} and its English partner in {file} has "
                    f"{_items(counts[1])}: each item needs its partner",
                )


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def _block_name(block: Any) -> str:
    names = {"ListBlock": "list", "TermList": "list of terms", "QuestionList": "list of questions"}
    kind = type(block).__name__
    return names.get(kind, kind.lower())


def _unpartnered(english: tuple[Any, ...], translated: tuple[Any, ...]) -> Iterator[Any]:
    """The English blocks left without a partner when both are read in order, kind by kind."""
    k = 0
    for block in english:
        if k < len(translated) and type(translated[k]) is type(block):
            k += 1
        else:
            yield block


# ---------------------------------------------------------------- plain language


@rule(
    "plain/reading-age",
    Severity.ADVICE,
    "a section reads above the target reading age",
    target=11,
)
def reading_age(ctx: CheckContext, params: dict[str, Any]) -> Found:
    language = ctx.leaflet.metadata.language
    if language.split("-")[0].lower() != "en":
        # SMOG and Flesch–Kincaid were fitted to English (syllables per word, words per
        # sentence); textstat's versions for other languages are not validated for health
        # leaflets, and none exist for Welsh, Arabic, Urdu or Bengali.
        yield (
            ctx.leaflet.metadata.place("language"),
            f"no reading-age formula is valid for '{language}' (SMOG and Flesch–Kincaid are English "
            "formulas): ask a reader of the language to judge how easy the words are",
        )
        return
    import textstat

    from leaflet.checks.lexicon import reading

    textstat.set_lang("en_GB")
    target = float(params["target"])
    sections = []
    for heading, where, passages in sections_with_passages(ctx.leaflet):
        # A list item without a full stop is a sentence of its own, not the start of the next one.
        text = " ".join(as_sentence(p.text) for p in passages)
        if len(words(text)) >= 30:  # formulas mean nothing on a few words
            sections.append((heading, where, text))
    with reading(text for _, _, text in sections):
        # A UK reading age is about a US school grade plus five years.
        ages = [
            (textstat.smog_index(text) + 5, textstat.flesch_kincaid_grade(text) + 5) for *_, text in sections
        ]
    for (heading, where, _), (smog, fk) in zip(sections, ages, strict=True):
        if max(smog, fk) > target:
            yield (
                where,
                (
                    f"'{heading}' reads at about age {smog:.0f} by SMOG and {fk:.0f} by Flesch–Kincaid "
                    f"(target {target:g}): shorter sentences and everyday words may help (formulas are a guide, "
                    "not a verdict)"
                ),
            )


@rule("plain/long-sentence", Severity.ADVICE, "a sentence is longer than advised", max_words=20)
def long_sentences(ctx: CheckContext, params: dict[str, Any]) -> Found:
    limit = int(params["max_words"])
    for passage in all_passages(ctx.leaflet):
        locate = passage.finder()
        for sentence in sentences(passage.text):
            where = locate(sentence)
            count = len(words(sentence))
            if count > limit:
                start = " ".join(sentence.split()[:6])
                yield (
                    where,
                    f"a sentence of {count} words (advice: at most {limit}): “{start} …”",
                )


# ---------------------------------------------------------------- links and paper

VAGUE_LINK_TEXT = (
    "click here",
    "here",
    "read more",
    "more",
    "find out more",
    "this page",
    "this link",
    "link",
)
#: Words for a web page. "Click" alone is not one of them (a knee may click): only as an
#: instruction to a reader with a mouse ("click here", "click on the", "click the button").
WEB_ONLY = re.compile(
    r"\b(back to top|scroll (?:down|up)|click (?:here|on (?:the|this|that|a|an) (?:link|button|box|tab|icon|page)|the (?:link|button|box|tab|icon)|this (?:link|button)|below|above|to (?:open|see|read|find|go|download|view|book|order|join|sign))|tap here|on this page)\b",
    re.IGNORECASE,
)


def link_label(words: str) -> str:
    """A link's words as compared with VAGUE_LINK_TEXT: without the marks that end a sentence."""
    return words.strip().rstrip(".!?:;,…").strip().lower()


def _link_words(leaflet: Any) -> Iterator[tuple[str, Location]]:
    """The words of every link a leaflet prints, with where each is written: links in the text
    and in the metadata's lines, a paragraph's links: and further reading with an address."""
    for passage in all_passages(leaflet):
        for link in links(passage.inlines):
            yield plain_text(link.children), link.location
    m = leaflet.metadata
    for inlines in (m.contact, m.feedback, m.other_formats, leaflet.further_reading_note):
        for link in links(inlines or ()):
            yield plain_text(link.children), link.location
    for block in leaflet.all_blocks():
        for related in getattr(block, "related", ()):
            yield plain_text(related.inlines), related.location
    for item in leaflet.further_reading:
        if item.url is not None:
            yield plain_text(item.inlines), item.location


#: A part of each of WEB_ONLY's phrases (lower case): where none is, none of them is.
_WEB_ONLY_WORDS = ("back to top", "scroll down", "scroll up", "click ", "tap here", "on this page")


@rule("links/vague-text", Severity.WARNING, "link text that means nothing out of context")
def vague_links(ctx: CheckContext, params: dict[str, Any]) -> Found:
    for said, location in _link_words(ctx.leaflet):
        label = link_label(said)
        if label in VAGUE_LINK_TEXT:
            yield location, f"link text “{label}” means nothing out of context: say where the link goes"


@rule("links/web-only", Severity.WARNING, "words that make sense only on a web page")
def web_only(ctx: CheckContext, params: dict[str, Any]) -> Found:
    passages = [*all_passages(ctx.leaflet), *heading_passages(ctx.leaflet)]
    said = "\n".join(p.text for p in passages).lower()
    if not any(word in said for word in _WEB_ONLY_WORDS):
        return  # nearly always: a look for a few words in all of the leaflet's at once
    for passage in passages:
        if WEB_ONLY.search(passage.text) is None:
            continue
        locate = passage.finder()
        for match in WEB_ONLY.finditer(passage.text):
            yield (
                locate(passage.text[match.start() :]),
                (f"“{match.group(0)}” makes no sense on paper: describe the place or give its address"),
            )


@rule("links/no-address", Severity.WARNING, "a pointer to more reading that gives no address")
def no_address(ctx: CheckContext, params: dict[str, Any]) -> Found:
    note = ctx.leaflet.further_reading_note
    if note and any(True for _ in links(note)):
        return  # the note under the heading says where the lines can be found
    for item in ctx.leaflet.further_reading:
        has_link = any(True for _ in links(item.inlines))
        text = plain_text(item.inlines)
        if item.url is None and not has_link and not _WRITTEN_ADDRESS.search(text):
            yield (
                item.location,
                f"“{text[:50]}” gives no address: a reader of the printed leaflet cannot follow it",
            )


# ---------------------------------------------------------------- structure


@rule("structure/skipped-heading", Severity.ERROR, "a heading level is skipped")
def skipped_heading(ctx: CheckContext, params: dict[str, Any]) -> Found:
    level = 1
    for section in ctx.leaflet.all_sections():
        if section.level > level + 1:
            yield (
                section.location,
                f"heading '{section.heading}' is level {section.level} after level {level}",
            )
        level = section.level


@rule("structure/empty-section", Severity.WARNING, "a section with nothing in it")
def empty_section(ctx: CheckContext, params: dict[str, Any]) -> Found:
    for section in ctx.leaflet.all_sections():
        if not section.blocks and not section.subsections:
            yield section.location, f"section '{section.heading}' has no content"


@rule("structure/duplicate-heading", Severity.WARNING, "two headings with the same words")
def duplicate_heading(ctx: CheckContext, params: dict[str, Any]) -> Found:
    # Sections are told apart by their headings; a subsection by its section and its heading
    # ("Side effects" may be under each medicine).
    seen: dict[tuple[str, str], Location] = {}
    parts = [(s, "") for s in ctx.leaflet.sections]
    for s in ctx.leaflet.all_sections():
        parts += [(sub, s.anchor) for sub in s.subsections]
    # The leaflet's own headings, in its language, which a section's heading would repeat.
    leaflet = ctx.leaflet
    words = furniture(leaflet.metadata.language)
    own = {words(TOC_HEADING).casefold(): "its contents"}
    if leaflet.key_points:
        own[words(KEY_POINTS_HEADING).casefold()] = "its key points"
    if leaflet.references:
        own[words(REFERENCES_HEADING).casefold()] = "its references"
    if leaflet.further_reading:
        own[words(FURTHER_HEADING).casefold()] = "its further reading"
    if leaflet.next_steps is not None:
        own[leaflet.next_steps.heading.casefold()] = "its next steps panel"
    for section, under in parts:
        key = (under, section.heading.casefold())
        if section.heading.casefold() in own:
            yield (
                section.location,
                f"heading '{section.heading}' is also the leaflet's own heading for "
                f"{own[section.heading.casefold()]}: the contents list and bookmarks cannot tell them "
                "apart; call the section something else",
            )
        if key in seen:
            yield (
                section.location,
                (
                    f"heading '{section.heading}' is used twice (first at line {seen[key].line}): "
                    "the contents list and bookmarks cannot tell them apart"
                ),
            )
        else:
            seen[key] = section.location


OWN_ABOUT = re.compile(r"^about this (leaflet|booklet|information|factsheet)\W*$", re.IGNORECASE)


@rule("structure/own-about", Severity.WARNING, "a section of the leaflet's own About this leaflet")
def own_about(ctx: CheckContext, params: dict[str, Any]) -> Found:
    for section in ctx.leaflet.all_sections():
        if OWN_ABOUT.match(section.heading.strip()):
            yield (
                section.location,
                f"the section '{section.heading}' repeats what the leaflet prints itself at its end: "
                "put these details in metadata (author, department, approved, contact, feedback) "
                "and remove the section",
            )


# ---------------------------------------------------------------- legibility, on the laid-out pages


@rule(
    "legibility/small-text",
    Severity.ERROR,
    "text smaller than Clear Print allows",
    needs_pages=True,
    minimum=12,
    large_print=16,
)
def small_text(ctx: CheckContext, params: dict[str, Any]) -> Found:
    for edition, (data, large) in ctx.pdfs.items():
        minimum = float(params["large_print" if large else "minimum"])
        smallest: dict[int, float] = {}
        for op in read(data).shown:
            if op.op in ("Tj", "TJ") and op.size and op.size < minimum:
                smallest[op.page] = min(op.size, smallest.get(op.page, op.size))
        for page, size in sorted(smallest.items()):
            yield (
                ctx.leaflet.metadata.location,
                (f"the {edition} edition has text of {size:g} pt on page {page} (at least {minimum:g} pt)"),
            )


@rule("legibility/justified", Severity.ERROR, "justified or hyphenated text", needs_pages=True)
def justified(ctx: CheckContext, params: dict[str, Any]) -> Found:
    for edition, (data, _) in ctx.pdfs.items():
        # Stretched spaces are justification; ReportLab's hair-thin squeeze of an overfull line is not.
        pages = sorted({op.page for op in read(data).shown if op.op == "Tw" and float(op.operands[0]) > 0.01})
        if pages:
            yield (
                ctx.leaflet.metadata.location,
                (
                    f"the {edition} edition stretches word spaces (justified text) on page(s) {', '.join(map(str, pages))}"
                ),
            )
        yield from _hyphenated(ctx, edition, data)


def _hyphenated(ctx: CheckContext, edition: str, data: bytes) -> Found:
    """Words broken with a hyphen at a line's end, on the pages where a line may end with one."""
    suspect = read(data).may_hyphenate
    if not suspect:
        return
    addresses = [address for address, _ in printed_addresses(ctx.leaflet)]
    for number in sorted(suspect):
        lines = extracted(data).text(number).splitlines()
        for line, following in itertools.pairwise(lines):
            if re.search(r"[a-z]-$", line.rstrip()) and re.match(r"[a-z]", following.lstrip()):
                if _breaks_an_address(line, following, addresses):
                    continue  # the tool's own break of an address, after its hyphen
                yield (
                    ctx.leaflet.metadata.location,
                    (f"the {edition} edition hyphenates “{line.split()[-1]}” at a line end on page {number}"),
                )


# ---------------------------------------------------------------- addresses on the laid-out pages

#: An address written out in the words: a web address, or an email address.
_ADDRESS_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s<>()]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def printed_addresses(leaflet: Any) -> list[tuple[str, Location]]:
    """Every address the leaflet prints, as printed, with where it is written."""
    out: list[tuple[str, Location]] = []

    def add(address: str, where: Location) -> None:
        for prefix in ("mailto:", "tel:"):
            if address.startswith(prefix):
                if prefix == "tel:":
                    return  # a phone number is printed as the editor spaced it
                address = address[len(prefix) :]
        address = address.rstrip(".,;:!?")
        if address and (address, where) not in out:
            out.append((address, where))

    def from_words(inlines: Any, text: str, where: Location, locate: Any = None) -> None:
        for link in links(inlines or ()):
            add(link.url, link.location)
        for match in _ADDRESS_IN_TEXT.finditer(text):
            add(match.group(0), locate(text[match.start() :]) if locate else where)

    for passage in all_passages(leaflet):
        from_words(passage.inlines, passage.text, passage.location, passage.finder())
    if leaflet.next_steps:
        for passage in block_passages(leaflet.next_steps.blocks):
            from_words(passage.inlines, passage.text, passage.location, passage.finder())
    m = leaflet.metadata
    if m.url:
        add(m.url, m.place("url"))
    for key in ("contact", "feedback", "other_formats"):
        value = getattr(m, key)
        if value:
            from_words(value, plain_text(value), m.place(key))
    for item in leaflet.further_reading:
        if item.url:
            add(item.url, item.location)
    for ref in leaflet.references:
        if ref.link_url:
            add(ref.link_url, ref.location)
    return out


def _allowed_breaks(address: str) -> set[int]:
    """Where a line may end inside the address: where the layout may break it."""
    from leaflet.addressbreaks import break_offsets

    return set(break_offsets(address))


def _breaks_an_address(line: str, following: str, addresses: list[str]) -> bool:
    """Whether a line end between `line` and `following` falls inside one of the addresses."""
    tail = line.rstrip().split(" ")[-1].lstrip("([\u201c\"'")
    head = following.lstrip().split(" ")[0].rstrip(").,;:!?]\u201d\"'")
    joined = tail + head
    return any(tail and (joined in a or a.startswith(joined) or joined.startswith(a)) for a in addresses)


def _cuts(address: str, text: str) -> list[str]:
    """The pieces of the address cut inside themselves at a line end in `text` (an extracted page)."""
    pattern = "(?: ?\n ?)?".join(re.escape(ch) for ch in address)
    allowed = _allowed_breaks(address)
    bounds = sorted({0, len(address), *allowed})
    out = []
    for match in re.finditer(pattern, text):
        k = 0
        for ch in match.group(0):
            if ch == "\n" and k not in allowed:
                start = max(b for b in bounds if b < k)
                end = min(b for b in bounds if b > k)
                out.append(address[start:end])
            elif ch not in " \n":
                k += 1
    return out


@rule(
    "legibility/address-too-wide",
    Severity.ERROR,
    "an address that cannot fit its line, even broken after / . - ? & =",
    needs_pages=True,
    shortest_piece=20,
)
def address_too_wide(ctx: CheckContext, params: dict[str, Any]) -> Found:
    """Only an address with a piece of `shortest_piece` characters or more can be cut: every
    line an address is printed in holds more (the narrowest, beside the QR code in A5, about
    35 characters; a table's column is as wide as the longest piece in it), so the pages
    are read only for a leaflet that has such an address."""
    shortest = int(params["shortest_piece"])
    suspects = [
        (address, where)
        for address, where in printed_addresses(ctx.leaflet)
        if max(b - a for a, b in itertools.pairwise(sorted({0, len(address), *_allowed_breaks(address)})))
        >= shortest
    ]
    if not suspects:
        return
    cut: dict[str, tuple[Location, str, list[str]]] = {}
    for edition, (data, _) in ctx.pdfs.items():
        # Only the pages that may hold an address are taken out as text, joined as they follow
        # each other (pages apart are kept apart, so no address runs from one to the other).
        holding = read(data).holding([address for address, _ in suspects])
        text = ""
        for number in sorted(holding):
            text += ("\n" if number - 1 in holding else "\n\n") if text else ""
            text += extracted(data).text(number)
        for address, where in suspects:
            for piece in _cuts(address, text):
                _, _, editions = cut.setdefault(address, (where, piece, []))
                if edition not in editions:
                    editions.append(edition)
    for address, (where, piece, editions) in cut.items():
        yield (
            where,
            (
                f"the address {address} cannot fit a line of the {', '.join(editions)} "
                f"edition{'s' if len(editions) > 1 else ''}, even broken after / . - ? & =: "
                f"“{piece}” alone is wider than the line: give a shorter address"
            ),
        )


@rule("legibility/italic-run", Severity.WARNING, "a long run of italic text", needs_pages=True, max_words=8)
def italic_run(ctx: CheckContext, params: dict[str, Any]) -> Found:
    limit = int(params["max_words"])
    for edition, (data, _) in ctx.pdfs.items():
        run, page_of_run = 0, 0
        for shown in read(data).shown:
            if shown.op not in ("Tj", "TJ"):
                continue
            page = shown.page
            italic = any(k in shown.font for k in ("Italic", "Oblique"))
            text = shown.operands[0] if shown.op == "Tj" else ""
            if italic:
                run += max(1, len(str(text).split()))
                page_of_run = page_of_run or page
            else:
                run, page_of_run = 0, 0
            if run > limit:
                yield (
                    ctx.leaflet.metadata.location,
                    f"the {edition} edition sets over {limit} words in italic on page {page}",
                )
                run = -(10**9)


#: A word: letters and figures (of any alphabet), with apostrophes and hyphens inside it. One
#: with a figure in it ("B12", "A4") is a name, not a word in capitals.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
#: What may stand between two words of one run of capitals.
_BETWEEN_CAPITALS = re.compile(r"[\s,;:]+")
#: Two letters together that are not small Latin letters: where a run of capitals may be.
_MAYBE_CAPITALS = re.compile(r"[^\W\d_a-z]{2}")


def capital_runs(text: str, limit: int) -> Iterator[tuple[int, int]]:
    """Where more than `limit` words in capitals stand together (start, end): words in capitals of
    any alphabet (Welsh Â, Polish Ź, Greek), one-letter ones too, but holding two real words at least."""
    if _MAYBE_CAPITALS.search(text) is None:
        return
    run: list[re.Match[str]] = []
    for word in [*_WORD.finditer(text), None]:
        capital = word is not None and word.group().isupper() and not any(ch.isdigit() for ch in word.group())
        joined = capital and (
            not run or _BETWEEN_CAPITALS.fullmatch(text, run[-1].end(), word.start()) is not None
        )
        if joined:
            run.append(word)  # type: ignore[arg-type]
            continue
        if len(run) > limit and sum(len(w.group()) > 1 for w in run) >= 2:
            yield run[0].start(), run[-1].end()
        run = [word] if capital else []  # type: ignore[list-item]


@lru_cache(maxsize=8)
def _ascii_run(limit: int) -> re.Pattern[str]:
    """More than `limit` words of capitals A to Z together."""
    return re.compile(rf"\b[A-Z][A-Z’'-]*(?:[\s,;:]+[A-Z][A-Z’'-]*){{{limit},}}\b")


def _may_hold_capitals(text: str, limit: int) -> bool:
    """Whether `text` may hold a run of capitals (a quick look at all of a leaflet's words at
    once): a run of A to Z, or any capital beyond them (Â, Ź, Greek: then each word is read)."""
    if _ascii_run(limit).search(text) is not None:
        return True
    return any(ch.isupper() for ch in set(text) if ch > "\x7f")


@rule("legibility/capitals", Severity.WARNING, "a run of words in capitals", max_words=3)
def capitals(ctx: CheckContext, params: dict[str, Any]) -> Found:
    limit = int(params["max_words"])
    passages = [*all_passages(ctx.leaflet), *heading_passages(ctx.leaflet)]
    if not _may_hold_capitals("\n".join(p.text for p in passages), limit):
        return
    for passage in passages:
        found = list(capital_runs(passage.text, limit))
        if not found:
            continue
        locate = passage.finder(case_sensitive=True)
        for start, end in found:
            words = passage.text[start:end]
            yield (
                locate(words),
                f"“{words[:40]}” is in capitals: capitals are harder to read; use bold, sparingly, for emphasis",
            )


@rule("legibility/contrast", Severity.ERROR, "text that does not stand out from its background", minimum=4.5)
def contrast(ctx: CheckContext, params: dict[str, Any]) -> Found:
    from leaflet.style import load_theme

    minimum = float(params["minimum"])
    for sheet in dict.fromkeys(ctx.styles):
        theme = load_theme(sheet)
        yield from _low_contrast(Held(theme), minimum)


@lru_cache(maxsize=8)
def _low_contrast(held: Held, minimum: float) -> tuple[tuple[Location, str], ...]:
    """A sheet's colours that do not stand out, found once for each of the last eight sheets a
    process loaded (a sheet's theme is made again when its files change, and never changes once
    made; a watch loop makes a new one at every save of a sheet)."""
    return tuple(_find_low_contrast(held.obj, minimum))


def _find_low_contrast(theme: Any, minimum: float) -> Found:
    from leaflet.style import contrast_ratio, to_grey

    for name, st in theme.styles.items():
        for grey in (False, True):
            a, b = (to_grey(st.colour), to_grey(st.background)) if grey else (st.colour, st.background)
            ratio = contrast_ratio(a, b)
            if ratio < minimum:
                yield (
                    theme.colour_places.get(name, Location(theme.source, 1, 1)),
                    (
                        f"{theme.name}, style {name}: {st.colour.hex} on {st.background.hex} is {ratio:.2f}:1"
                        f"{' in grey' if grey else ''} (at least {minimum:g}:1)"
                    ),
                )
