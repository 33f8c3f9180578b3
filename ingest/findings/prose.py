"""Numbers the narrative quotes (收到政府信息公开申请75件), paired with the table figures they
describe; a number that matches none of them is a finding."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fnmatch import fnmatchcase

from ingest.findings.rules import Claim, FindingRules, Meaning
from ingest.labels import nfkc
from ingest.models import Block, Finding, Number, Paragraph, ProseClaim, ProseSpan

# A table cell this long with a full stop in it is prose, not a label or a number.
_CELL_PROSE = 40
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
# A paragraph ending so does not run on into the next one.
_RUNS_OUT = re.compile(r"[。；;！!？?：:]\s*$")
_CLAUSE_END = re.compile(r"[，,：:]")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_count(text: str) -> int | None:
    """75, 14,571, 十二, 两, 一百零五 as integers; None when it is not a count."""
    if text[0].isdigit():
        return int(text.replace(",", ""))
    total, digit = 0, None
    for ch in text:
        if ch in "零〇" and total and digit is None:  # 一百零五: the zero only holds a place
            continue
        if ch in _CN_DIGITS:
            if digit is not None:  # 二三 is not a number
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _sentences(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def _excluded(rules: FindingRules, sentence: str, match: re.Match[str], year: int | None) -> bool:
    """Whether the sentence (up to the number) makes the number something other than this year's figure."""
    before = sentence[:match.start()]
    if any(w in before + match.group(0) for w in rules.unless_in_sentence):
        return True
    if year is not None and any(int(y) != year for y in _YEAR.findall(before + match.group(0))):
        return True
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    clause = rules.everyone.sub("", sentence[clause_start:match.end()])
    return any(w in clause for w in rules.unless_in_clause)


def _prose(blocks: list[Block]) -> Iterator[tuple[int, str, str, int | None]]:
    """Each paragraph (block index, text, page) with the text of the next one when it runs on
    into it (a scan's lines are paragraphs of their own: 收到政府信息
    公开申请 may end one and 75件 open the next); and each table cell holding sentences (a
    crawled line of prose with a tab in it is read as a row of cells)."""
    for index, block in enumerate(blocks):
        if isinstance(block, Paragraph):
            after = blocks[index + 1] if index + 1 < len(blocks) else None
            runs_on = isinstance(after, Paragraph) and after.page == block.page and not _RUNS_OUT.search(block.text)
            yield index, block.text, after.text if isinstance(after, Paragraph) and runs_on else "", block.page
            continue
        for row in block.rows:
            for cell in row:
                if cell.origin in (None, (cell.row, cell.col)) and len(cell.text) >= _CELL_PROSE and "。" in cell.text:
                    yield index, cell.text, "", cell.page


def read_claims(blocks: list[Block], rules: FindingRules, template: str | None,
                year: int | None) -> list[ProseClaim]:
    """Every claim of the rules that applies to the template, read in the document's paragraphs
    (and in prose a reader took for a table's cell: the span is then within that cell's text)."""
    claims = [c for c in rules.claims if template is None or template in c.templates]
    hits: list[ProseClaim] = []
    for index, raw, continued, page in _prose(blocks):
        text = nfkc(raw)
        own, text = len(text), text + nfkc(continued)
        seen: set[tuple[str, int]] = set()
        if not rules.counted.search(text) and not any(p.search(text) for c in claims for p in c.none):
            continue
        for offset, sentence in _sentences(text):
            counted = rules.counted.search(sentence) is not None
            for claim in claims:
                for match, value, at in _matches(claim, sentence, counted):
                    where = (claim.id, offset + at)
                    if (value is None or where in seen or offset + match.start() >= own
                            or _excluded(rules, sentence, match, year)):
                        continue
                    seen.add(where)
                    start, end = offset + match.start(), offset + match.end()
                    span = ProseSpan(match.group(0), index, start, end, page)
                    hits.append(ProseClaim(claim.id, value, span))
    return hits


def _matches(claim: Claim, sentence: str, counted: bool) -> Iterator[tuple[re.Match[str], int | None, int]]:
    """The claim's phrases in the sentence, each with its number (None: not a count) and where
    the number stands: those quoting one (only in a sentence that counts something), and those
    saying there was none (0, standing where the phrase does)."""
    if counted:
        for pattern in claim.patterns:
            for match in pattern.finditer(sentence):
                yield match, parse_count(match.group("n")), match.start("n")
    for pattern in claim.none:
        for match in pattern.finditer(sentence):
            yield match, 0, match.start()


def meaning_keys(meaning: Meaning, values: Mapping[str, Number | None]) -> list[str]:
    """The cells whose sum the meaning names."""
    return [k for pattern in meaning.cells for k in sorted(values) if fnmatchcase(k, pattern)]


def _figure(meaning: Meaning, values: Mapping[str, Number | None]) -> tuple[Number, list[str]] | None:
    """The sum the meaning names over the cells present; None when every one is blank or absent."""
    keys = meaning_keys(meaning, values)
    present = [Decimal(v) for k in keys if (v := values[k]) is not None]
    return (sum(present, start=Decimal(0)), keys) if present else None


def prose_findings(hits: list[ProseClaim], values: Mapping[str, Number | None], rules: FindingRules) -> list[Finding]:
    """A finding for each claim whose number is none of the table figures it may describe.
    A claim whose figures are all blank is left to the blank-cell finding."""
    out = []
    claims = {c.id: c for c in rules.claims}
    for hit in hits:
        claim = claims.get(hit.claim)
        if claim is None:  # a claim the rules no longer have (a result converted before)
            continue
        figures = [(m, f) for m in claim.means if (f := _figure(m, values)) is not None]
        if not figures or any(f[0] == hit.value for _, f in figures):
            continue
        table = "，或".join(f"{m.label}为{f[0]}" for m, f in figures)
        message = f"正文“{hit.span.text}”称{hit.value}，而表格中{table}"
        cells = list(dict.fromkeys(k for _, f in figures for k in f[1]))
        out.append(rules.finding("prose_table", message, cells=cells, prose=hit.span, ref=hit.claim))
    return out
