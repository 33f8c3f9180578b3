"""Contradictions planted in generated reports, for measuring findings (ingest/findings/).

- pairs: a share of reports is the next year's report of the report before it (same body),
  carrying over what it carried forward and keeping its 行政规范性文件 in force, unless a
  mismatch is planted (`successor`);
- prose: a sentence quoting table figures as real narratives do (收到政府信息公开申请N件，予以公开N件…,
  未发生…行政复议的情况 for none), beside numbers that are not the tables' (主动公开政府信息N条,
  last year's, a channel's); in a share of reports one quoted figure is wrong;
- template misuse: a statistics period of another year, a part (五 or 六) left out, a row of
  table 二 left out (a body that makes no 规章, one with no powers of 行政强制).

Plants are made only in corpora generated with `--findings` (`generate_corpus(..., plant=True)`):
other corpora, and the documents tests render from a truth, are as they always were. Draws use
their own random stream seeded by the report, so every format of a seed carries the same plants.
What was planted is in the truth's `planted` list.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TypeVar

from bench.truth import S3_COLUMNS, ReportTruth, Value, make_truth

B = TypeVar("B")
# Every PAIR_EVERY-th report (from the second) is the successor of the one before it.
PAIR_EVERY = 3
CARRIED_MISMATCH_SHARE = 0.5
IN_FORCE_MISMATCH_SHARE = 0.3
PROSE_SHARE = 0.8
PROSE_WRONG_SHARE = 0.35
PERIOD_SHARE = 0.06
SECTION_SHARE = 0.06
ROW_SHARE = 0.12
# Rows of table 二 a body may leave out, and how often each is the one: most bodies make no 规章.
LEFT_OUT_ROWS = {"s2.regulations": 0.7, "s2.coercion": 0.3}


def _rng(truth: ReportTruth, what: str) -> random.Random:
    return random.Random(f"plant/{what}/{truth.seed}")


def _int(value: Value) -> int:
    return int(value or 0)


def _sum(truth: ReportTruth, *patterns: str) -> int | None:
    """The sum of the printed cells matching the patterns (`*` any part); None when all are blank."""
    present = [v for k, v in truth.cells.items() if v is not None and any(fnmatchcase(k, p) for p in patterns)]
    return sum(int(v) for v in present) if present else None


# ------------------------------------------------------------------ pairs across years


def _carry_over(truth: ReportTruth, previous: ReportTruth) -> None:
    """This year's 上年结转 = last year's 结转下年度, new requests adjusted to keep the balance."""
    c = truth.cells
    for col in S3_COLUMNS:
        over = previous.cells.get(f"s3.carried_forward.{col}")
        c[f"s3.carried_over.{col}"] = over
        new = _int(c[f"s3.total.{col}"]) + _int(c[f"s3.carried_forward.{col}"]) - _int(over)
        if new < 0:  # more carried over than handled: they were granted this year
            for row in ("total", "granted"):
                c[f"s3.{row}.{col}"] = _int(c[f"s3.{row}.{col}"]) - new
            new = 0
        c[f"s3.new.{col}"] = new
    for row in ("new", "carried_over", "granted", "total"):
        c[f"s3.{row}.total"] = sum(_int(c[f"s3.{row}.{col}"]) for col in S3_COLUMNS)


def _keep_in_force(truth: ReportTruth, previous: ReportTruth) -> None:
    c = truth.cells
    for row in ("regulations", "normative_docs"):
        before = _int(previous.cells.get(f"s2.{row}.in_force"))
        issued, repealed = _int(c[f"s2.{row}.issued"]), min(_int(c[f"s2.{row}.repealed"]), before)
        c[f"s2.{row}.issued"], c[f"s2.{row}.repealed"] = issued, repealed
        c[f"s2.{row}.in_force"] = before + issued - repealed


def successor(previous: ReportTruth, own: ReportTruth) -> ReportTruth:
    """`own`'s numbers as the next year's report of `previous`'s body."""
    rng = _rng(own, "pair")
    own.agency, own.scale, own.year = previous.agency, previous.scale, previous.year + 1
    _carry_over(own, previous)
    if own.template == "2021" and previous.template == "2021":
        _keep_in_force(own, previous)
        if rng.random() < IN_FORCE_MISMATCH_SHARE:
            key = f"s2.{rng.choice(['regulations', 'normative_docs'])}.in_force"
            own.cells[key] = _int(own.cells[key]) + rng.choice([1, 2, 5])
    if rng.random() < CARRIED_MISMATCH_SHARE:
        col = rng.choice(S3_COLUMNS)
        extra = rng.choice([1, 2, 3, 5])
        for row in ("carried_over", "granted", "total"):
            for key in (f"s3.{row}.{col}", f"s3.{row}.total"):
                own.cells[key] = _int(own.cells[key]) + extra
    return own


def plant_pairs(truth: ReportTruth, seed: int, index: int) -> ReportTruth:
    """The report of corpus position `index`, made the successor of the one before when its turn,
    and set to carry its plants when rendered."""
    if index % PAIR_EVERY == 1:
        previous = make_truth(seed * 1_000_000 + index - 1)
        if previous.year + 1 < 2021 and truth.template != "2019":  # the 2021 format came in 2021
            truth = make_truth(truth.seed, template="2019")
        truth = successor(previous, truth)
    _leave_out_row(truth)
    truth.plant = True
    return truth


def _leave_out_row(truth: ReportTruth) -> None:
    """In a share of reports, a row of table 二 that the document does not print."""
    rng = _rng(truth, "row")
    if rng.random() >= ROW_SHARE:
        return
    row = rng.choices(list(LEFT_OUT_ROWS), weights=list(LEFT_OUT_ROWS.values()))[0]
    for key in [k for k in truth.cells if k.startswith(f"{row}.")]:
        truth.cells[key] = None
    truth.planted.append({"kind": "row_missing", "ref": row})


def left_out_rows(truth: ReportTruth) -> set[str]:
    """The rows (`s2.regulations`) a planted report does not print."""
    return {p["ref"] for p in truth.planted if p["kind"] == "row_missing"}


# ------------------------------------------------------------------ prose and template misuse

# Claim id -> (the table figure it quotes, how the narrative prints it).
_CLAIMS: dict[str, tuple[Callable[[ReportTruth], int | None], str]] = {
    "requests_received": (lambda t: _sum(t, "s3.new.total"), "共收到政府信息公开申请{}件"),
    "granted_and_partly": (lambda t: _sum(t, "s3.granted.total", "s3.partly_granted.total"), "予以公开及部分公开{}件"),
    "granted": (lambda t: _sum(t, "s3.granted.total"), "予以公开{}件"),
    "partly_granted": (lambda t: _sum(t, "s3.partly_granted.total"), "部分公开{}件"),
    "denied": (lambda t: _sum(t, "s3.denied.*.total"), "不予公开{}件"),
    "unable": (lambda t: _sum(t, "s3.unable.*.total"), "无法提供{}件"),
    "refused": (lambda t: _sum(t, "s3.refused.*.total"), "不予处理{}件"),
    "carried_forward": (lambda t: _sum(t, "s3.carried_forward.total"), "结转下年度继续办理{}件"),
    "admin_review": (lambda t: _sum(t, "s4.review.total"), "因政府信息公开被申请行政复议{}件"),
    "lawsuits": (lambda t: _sum(t, "s4.suit_direct.total", "s4.suit_after_review.total"), "被提起行政诉讼{}件"),
    "other_handling": (lambda t: _sum(t, "s3.other*.total"), "其他处理{}件"),
    "penalty_decisions": (lambda t: _sum(t, "s2.penalty.decisions"), "作出行政处罚决定{}件"),
    "licensing_decisions": (lambda t: _sum(t, "s2.licensing.decisions"), "作出行政许可决定{}件"),
}
_CLAIMS_2021 = {
    "normative_in_force": (lambda t: _sum(t, "s2.normative_docs.in_force"), "现行有效行政规范性文件{}件"),
    "normative_issued": (lambda t: _sum(t, "s2.normative_docs.issued"), "本年制发行政规范性文件{}件"),
    "regulations_in_force": (lambda t: _sum(t, "s2.regulations.in_force"), "现行有效规章{}件"),
}
# How the narrative says there was none (the figure is 0): printed for a figure of 0 half the
# time, and as a planted contradiction for a figure that is not.
_NONE = {"requests_received": "未收到政府信息公开申请", "admin_review": "未发生因政府信息公开被申请行政复议的情况",
         "lawsuits": "未发生被提起行政诉讼的情况"}
NONE_SHARE = 0.4
# Numbers that are not the tables': a finding on them is a false one.
_DECOYS = ["主动公开政府信息{a}条", "其中通过网上申请{b}件", "收到申请较上年增加{b}件",
           "{y0}年收到政府信息公开申请{a}件", "办结率100%", "收到申请后均在15个工作日内答复"]


def _sentence(truth: ReportTruth, rng: random.Random) -> str:
    claims = {**_CLAIMS, **(_CLAIMS_2021 if truth.template == "2021" else {})}
    figures = {cid: (value, text) for cid, (figure, text) in claims.items() if (value := figure(truth)) is not None}
    chosen = rng.sample(sorted(figures), k=min(len(figures), rng.randint(2, 4)))
    wrong = rng.choice(chosen) if chosen and rng.random() < PROSE_WRONG_SHARE else None
    parts = []
    for cid in chosen:
        value, text = figures[cid]
        says_none = cid in _NONE and rng.random() < NONE_SHARE
        if cid == wrong:
            received = {value, value + _int(truth.cells.get("s3.carried_over.total"))}
            shifted = (value + d for d in rng.sample([1, 2, 3, 5, 10, -1], 6))
            value = 0 if says_none and 0 not in received else next(v for v in shifted if v >= 0 and v not in received)
            truth.planted.append({"kind": "prose_table", "ref": cid})
        parts.append(_NONE[cid] if says_none and value == 0 else text.format(value))
    decoy = rng.choice(_DECOYS).format(a=rng.randint(3, 900), b=rng.randint(1, 9), y0=truth.year - 1)
    return f"{truth.year}年，本机关{'，'.join(parts)}。{decoy}。"


@dataclass
class Plants:
    """What to change in a report's paragraphs: a sentence to insert, a paragraph to replace,
    a range of paragraphs to leave out."""

    insert: tuple[int, str] | None = None
    replace: tuple[int, str] | None = None
    drop: tuple[int, int] | None = None


def draw_plants(truth: ReportTruth, paragraphs: list[str]) -> Plants:
    """The plants of a report whose paragraphs (headings included, "" for a table or a blank
    line) are given: the quoting sentence after the 依申请公开 heading, the statistics period
    shifted by a year, a part (五 or 六) left out. Each is recorded in `truth.planted`."""
    rng = _rng(truth, "prose")
    plants = Plants()
    # After the 依申请公开 heading (or its paragraph when the heading opens it), else after part 一's.
    at = next((i + 1 for i, p in enumerate(paragraphs) if p.startswith(("（二）依申请公开", "(二)依申请公开"))),
              next((i + 1 for i, p in enumerate(paragraphs) if p.startswith("一、")), None))
    if rng.random() < PROSE_SHARE and at is not None:
        plants.insert = (at, _sentence(truth, rng))
    stated = f"{truth.year}年1月1日"
    period = next((i for i, p in enumerate(paragraphs) if "统计" in p and stated in p), None)
    if rng.random() < PERIOD_SHARE and period is not None:
        plants.replace = (period, paragraphs[period].replace(stated, f"{truth.year - 1}年1月1日"))
        # The years the shifted period states: 至12月31日 leaves the end year unsaid.
        end_said = re.search(f"至\\s*{truth.year}\\s*年\\s*12\\s*月", paragraphs[period]) is not None
        years = f"{truth.year - 1}、{truth.year}" if end_said else str(truth.year - 1)
        truth.planted.append({"kind": "period_mismatch", "ref": years})
    numeral = rng.choice(["五", "六"])
    start = next((i for i, p in enumerate(paragraphs) if p.startswith(f"{numeral}、")), None)
    if rng.random() < SECTION_SHARE and start is not None:
        end = start + 1
        while end < len(paragraphs) and not _HEADING.match(paragraphs[end]) and not _signature(paragraphs[end]):
            end += 1
        plants.drop = (start, end)
        truth.planted.append({"kind": "section_missing", "ref": numeral})
    return plants


_HEADING = re.compile("[一二三四五六]、")


def _signature(paragraph: str) -> bool:
    return bool(paragraph) and len(paragraph) < 30 and "。" not in paragraph


def plant_blocks(truth: ReportTruth, blocks: list[B], text_of: Callable[[B], str],
                 paragraph: Callable[[str, B | None], B]) -> list[B]:
    """A report's blocks (lines of a text, or a plan's paragraphs and tables) with its plants;
    `text_of` gives a block's text ("" for a table), `paragraph` makes a paragraph (from the one
    it replaces, if any)."""
    if not truth.plant:
        return blocks
    plants = draw_plants(truth, [text_of(b) for b in blocks])
    out = list(blocks)
    if plants.replace:
        at, text = plants.replace
        out[at] = paragraph(text, out[at])
    if plants.drop:  # after the inserted sentence's place (part 一): its index stands
        del out[plants.drop[0]:plants.drop[1]]
    if plants.insert:
        at, text = plants.insert
        out.insert(at, paragraph(text, None))
    return out
