"""A generated report as plain text, in the shapes real reports arrive in.

The tables are first laid out as grids (the row and column labels come from the
template layouts, merged cells leave empty placeholders as Word extraction does),
then printed in one of several styles seen in the wild (see /work/shared/seeds):

- tab_rows: one table row per line, cells parted by tabs (seeds 002, 003);
- cell_lines: one cell per tab-prefixed line, rows parted by blank lines, wrapped cell
  text continued on unprefixed lines (seeds 000, 004);
- pipe: "cell |" per line, "|||" lines for runs of empty cells; or, as a crawler saves a web
  page's table (seed 001), no placeholders of merged cells, an empty cell "|" on its own line
  and each row closed by bars padding it to the table's widest;
- spaces: text pasted from a PDF, a row's label then its numbers on one line;
- run_together: no separator at all between a row's cells;
- webpage: a crawled web page's text with the table markup stripped (render_webpage.py),
  drawn only when asked for (`style="webpage"`, or the corpus's share of web pages).

On top of a style the rng applies the small damages real reports carry: group labels
one character per line, labels broken across lines or a page break, "1、" numbering,
typos, half-width punctuation, padded numbers, encodings other than UTF-8.
The style is recorded in the file name: `<stem>.<style>.txt`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml

from bench.plant import left_out_rows, plant_blocks
from bench.render_webpage import STYLE as WEBPAGE
from bench.render_webpage import render_webpage
from bench.report_text import S3_APPLICANTS, S3_NOTE, row_label, short_name
from bench.splits import Run, record_ambiguity
from bench.truth import ReportTruth, Value, layout_for
from ingest.layouts import ColumnLayout, RowLayout
from ingest.settings import load_settings

STYLES = ("tab_rows", "cell_lines", "pipe", "spaces", "run_together")
_STYLE_WEIGHTS = (3, 3, 2, 2, 1)
# White space before every printed line (none on most pages).
_INDENTS = ("", "", "", "", "", "", "  ", "    ", "\u3000\u3000")
# Not among the drawn styles, so that the five above keep their documents seed for seed.
ALL_STYLES = (*STYLES, WEBPAGE)
_ENCODINGS = ("utf-8", "gb18030", "utf-8-sig", "utf-16")
_ENCODING_WEIGHTS = (75, 10, 8, 7)

# Section 二 rows are grouped under the article of the regulation that requires them.
_S2_ARTICLE_ITEM = {
    "regulations": "一", "normative_docs": "一", "licensing": "五", "other_services": "五",
    "penalty": "六", "coercion": "六", "fees": "八", "procurement": "九",
}
_S5_HEADINGS = ("五、存在的主要问题及改进情况", "五、当前存在的主要问题及下步改进措施")
_S6_HEADING = "六、其他需要报告的事项"
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.、])")
_HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})


@dataclass
class TextCell:
    """One grid position of a table as a Word document's text extraction gives it (merged
    cells leave placeholders), not a printed cell of the plan (report_text.PlanCell).
    kind: label | group (a row-group label spanning several rows) | value | merged
    (covered by a merged cell) | pad (nothing there: the row is shorter)."""

    text: str
    kind: str = "label"
    key: str | None = None  # a value's


Grid = list[list[TextCell]]


@dataclass
class Damage:
    """The per-document damages, drawn once from the rng (the defaults: none)."""

    vertical_groups: bool = False  # row-group labels one character per line
    broken_labels: float = 0.0  # share of labels wrapped onto two lines
    dun_numbering: bool = False  # "1、" for "1."
    typo_labels: int = 0  # labels with a typo
    half_width: bool = False  # () : , for （）：，
    number_pads: tuple[str, ...] = ("{}",)  # spaces around numbers, one picked per cell
    page_breaks: int = 0  # page-number lines per table
    multiline_first_only: bool = False  # pipe: a wrapped cell keeps its first line only
    wrap_joiner: str = ""  # tab_rows: what a wrapped cell's line break becomes
    shifted_rows: float = 0.0  # tab_rows: share of rows losing their leading placeholders

    @staticmethod
    def draw(rng: random.Random) -> Damage:
        return Damage(
            vertical_groups=rng.random() < 0.2,
            broken_labels=rng.choice([0.0, 0.0, 0.15, 0.4]),
            dun_numbering=rng.random() < 0.2,
            typo_labels=rng.choice([0, 0, 0, 1, 2]),
            half_width=rng.random() < 0.3,
            number_pads=rng.choice([("{}",), ("{}",), ("{} ",), ("\u00a0{}", "{}\u00a0", "\u3000\u3000{}", "{}")]),
            page_breaks=rng.choice([0, 1, 2]),
            multiline_first_only=rng.random() < 0.3,
            wrap_joiner=rng.choice(["", " "]),
            shifted_rows=rng.choice([0.0, 0.0, 0.1]),
        )


@dataclass
class _Doc:
    truth: ReportTruth
    rng: random.Random
    damage: Damage
    lines: list[str] = field(default_factory=list)
    page: int = 1
    # The rows whose values are printed in one run (spaces, run_together): blanks leave no trace.
    runs: list[Run] = field(default_factory=list)


def _value_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize() if value == value.to_integral_value() else value, "f")
    return str(value)


# ---------------------------------------------------------------- labels


def _label(doc: _Doc, text: str) -> str:
    """A label as this document prints it: "1、" numbering, half-width punctuation."""
    if doc.damage.dun_numbering:
        text = re.sub(r"^(\d+)\.", r"\1、", text)
    if doc.damage.half_width:
        text = text.translate(_HALF_WIDTH)
    return text


def _typo(rng: random.Random, text: str) -> str:
    """Drop one to three characters, or insert one of its own, past the label's numbering."""
    m = _ORDINAL.match(text)
    head, body = (text[: m.end()], text[m.end():]) if m else ("", text)
    if len(body) < 5:
        return text
    at = rng.randrange(1, len(body) - 1)
    roll = rng.random()
    if roll < 0.5:
        body = body[:at] + body[at + 1:]
    elif roll < 0.8 and len(body) >= 9:
        body = body[:at] + body[at + rng.randint(2, 3):]
    else:
        body = body[:at] + body[rng.randrange(len(body))] + body[at:]
    return head + body


# ---------------------------------------------------------------- grids


def _values(doc: _Doc, keys: list[str]) -> list[TextCell]:
    return [TextCell(_value_text(doc.truth.cells.get(k)), "value", k) for k in keys]


def _pad(row: list[TextCell], width: int) -> list[TextCell]:
    return row + [TextCell("", "pad") for _ in range(width - len(row))]


def _printed_rows(truth: ReportTruth, section: str) -> list[RowLayout]:
    """The rows this report prints: deviation rows only when the truth names them, not a row
    planted as left out."""
    layout = layout_for(truth.template)
    left_out = left_out_rows(truth)
    rows = [r for r in layout.section(section).rows
            if (r.deviation is None or r.deviation in truth.deviations) and f"{section}.{r.key}" not in left_out]
    replaced = {k for r in rows if r.deviation for k in r.replaces}
    return [r for r in rows if r.key not in replaced]


def _s2_grid(doc: _Doc) -> Grid:
    grid: Grid = []
    width = 4
    article = None
    header: tuple[str, ...] = ()
    for row in _printed_rows(doc.truth, "s2"):
        labels = tuple(_column_label(doc, c) for c in row.columns)
        if _S2_ARTICLE_ITEM[row.key] != article:
            article = _S2_ARTICLE_ITEM[row.key]
            grid.append(_pad([TextCell(_label(doc, f"第二十条第（{article}）项"))], width))
            header = ()
        if labels != header:
            header = labels
            grid.append(_pad([TextCell("信息内容"), *(TextCell(_label(doc, t)) for t in labels)], width))
        grid.append(_pad([TextCell(_label(doc, row_label(doc.truth, row))), *_values(doc, row.cell_keys())], width))
    return grid


def _column_label(doc: _Doc, column: ColumnLayout) -> str:
    if column.units_in_text and doc.truth.procurement_unit:
        return f"{column.label}（{doc.truth.procurement_unit}）"
    return column.label


@lru_cache(maxsize=4)
def _column_groups(template: str) -> dict[str, str]:
    """Section 三 column key -> the header spanning it (法人或其他组织): kept in the
    layout file but not in the loaded layout, which the mapper does not need it in."""
    raw = yaml.safe_load((load_settings().layouts_dir / f"{template}.yaml").read_text(encoding="utf-8"))
    s3 = next(s for s in raw["sections"] if s["id"] == "s3")
    return {c["key"]: c["group"] for c in s3["columns"] if c.get("group")}


def _s3_grid(doc: _Doc) -> Grid:
    width = 10
    cols = layout_for(doc.truth.template).section("s3").columns
    groups = _column_groups(doc.truth.template)
    grouped = [c for c in cols if c.key in groups]
    grid: Grid = [
        _pad([TextCell(_label(doc, S3_NOTE)), TextCell("", "merged"), TextCell(S3_APPLICANTS)], width),
        [TextCell("", "merged"), TextCell("", "merged"), TextCell(cols[0].label), TextCell(groups[grouped[0].key]),
         *(TextCell("", "merged") for _ in grouped[1:]), TextCell(cols[-1].label), TextCell("", "pad")],
        _pad([TextCell("", "merged") for _ in range(3)] + [TextCell(_wrap_two(c.label)) for c in grouped], width),
    ]
    rows = _printed_rows(doc.truth, "s3")
    top_group = next(r.group for r in rows if r.group)
    start = next(i for i, r in enumerate(rows) if r.group)
    end = next(i for i, r in enumerate(rows) if r.key == "total")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        label = TextCell(_label(doc, row_label(doc.truth, row)))
        if not start <= i <= end:
            cells = [label, TextCell("", "pad")]
        else:
            top = _group_cell(doc, top_group, seen)
            if row.group and row.group != top_group:
                cells = [top, _group_cell(doc, row.group, seen), label]
            else:
                cells = [top, label]
        grid.append(_pad(cells + _values(doc, row.cell_keys()), width))
    return grid


def _group_cell(doc: _Doc, group: str, seen: set[str]) -> TextCell:
    """A group label is printed on its first row only; later rows hold its placeholder."""
    if group in seen:
        return TextCell("", "merged")
    seen.add(group)
    return TextCell(_label(doc, group), "group")


def _wrap_two(text: str) -> str:
    """Narrow header cells wrap after two characters (商业 / 企业)."""
    return text[:2] + "\n" + text[2:] if len(text) == 4 else text


def _s4_grid(doc: _Doc) -> Grid:
    row = _printed_rows(doc.truth, "s4")[0]
    parts = [c.label.split() for c in row.columns]
    width = len(parts)
    top, mid, low = (
        [TextCell("", "merged") for _ in range(width)],
        [TextCell("", "merged") for _ in range(width)],
        [TextCell("", "merged") for _ in range(width)],
    )
    for i, p in enumerate(parts):
        if i == 0 or parts[i - 1][0] != p[0]:
            top[i] = TextCell(p[0])
        if len(p) == 2:
            mid[i] = TextCell(_wrap_two(p[1]))
        else:
            if parts[i - 1][1] != p[1]:
                mid[i] = TextCell(p[1])
            low[i] = TextCell(_wrap_two(p[2]))
    return [top, mid, low, _values(doc, row.cell_keys())]


def _apply_typos(doc: _Doc, grids: list[Grid]) -> None:
    labels = [c for g in grids for r in g for c in r
              if c.kind in ("label", "group") and len(c.text) >= 7 and "\n" not in c.text]
    for cell in doc.rng.sample(labels, k=min(doc.damage.typo_labels, len(labels))):
        cell.text = _typo(doc.rng, cell.text)


# ---------------------------------------------------------------- printing


def _number(doc: _Doc, text: str) -> str:
    return doc.rng.choice(doc.damage.number_pads).format(text) if text else text


def _page_break(doc: _Doc) -> str:
    doc.page += 1
    return doc.rng.choice([f"- {doc.page} -", f"— {doc.page} —", f"第 {doc.page} 页"])


def _split_label(doc: _Doc, cell: TextCell, joiner: str = "\n") -> list[str]:
    """The lines a label cell is printed on: a narrow column wraps it, a vertical group
    label stands one character per line, a page may end inside it."""
    text = cell.text
    if "\n" in text:
        return [text.replace("\n", joiner)] if joiner != "\n" else text.split("\n")
    if cell.kind == "group" and doc.damage.vertical_groups:
        return list(text)
    if len(text) >= 6 and doc.rng.random() < doc.damage.broken_labels:
        at = doc.rng.randint(3, len(text) - 2)
        return [text[:at], text[at:]]
    return [text] if text else [""]


def _break_points(doc: _Doc, count: int) -> set[int]:
    return set(doc.rng.sample(range(1, count), k=min(doc.damage.page_breaks, count - 1))) if count > 1 else set()


def _print_tab_rows(doc: _Doc, grid: Grid) -> None:
    for row in grid:
        texts = [_number(doc, c.text) if c.kind == "value" else c.text.replace("\n", doc.damage.wrap_joiner)
                 for c in row]
        lead = next((i for i, t in enumerate(texts) if t), 0)
        # Word sometimes drops a row's leading merged placeholders and pads its end instead
        # (placeholders of labels only: a value cell printed blank is a cell of its own).
        if lead and doc.rng.random() < doc.damage.shifted_rows and all(c.kind != "value" for c in row[:lead]):
            texts = texts[lead:] + [""] * lead
        doc.lines.append("\t".join(texts))


def _print_cell_lines(doc: _Doc, grid: Grid) -> None:
    breaks = _break_points(doc, len(grid))
    for r, row in enumerate(grid):
        for cell in row:
            if cell.kind == "pad":
                continue
            if cell.kind == "value":
                doc.lines.append("\t" + _number(doc, cell.text))
                continue
            pieces = _split_label(doc, cell)
            doc.lines.append("\t" + pieces[0])
            for i, piece in enumerate(pieces[1:]):
                if i == 0 and r in breaks:
                    # The page ends inside the label: its number line sits between the halves.
                    doc.lines.append(_page_break(doc))
                    breaks.discard(r)
                doc.lines.append(piece)
        if r in breaks:
            doc.lines.append(_page_break(doc))
        doc.lines.append("")


def _pipe_cell(doc: _Doc, cell: TextCell) -> str:
    lines = cell.text.split("\n")
    text = lines[0] if doc.damage.multiline_first_only else " ".join(lines)
    return f"{_number(doc, text) if cell.kind == 'value' else text} |"


def _print_pipe(doc: _Doc, grid: Grid) -> None:
    # Drawn apart from the document's rng, whose draws keep every other document as it was.
    if random.Random(f"{doc.truth.agency}{doc.truth.year}").random() < 0.5:
        _print_pipe_padded(doc, grid)
        return
    empties = 0
    for row in grid:
        for cell in row:
            if not cell.text:
                empties += 1
                continue
            if empties:
                doc.lines.append("|" * empties)
                empties = 0
            doc.lines.append(_pipe_cell(doc, cell))
    if empties:
        doc.lines.append("|" * empties)


def _print_pipe_padded(doc: _Doc, grid: Grid) -> None:
    """A web page's table as a crawler saves it: a merged cell is printed once (HTML has no
    placeholders), an empty cell as a lone bar, and each row's end as one line of bars, one
    more than the cells it is short of the table's widest row."""
    rows = [[c for c in row if c.kind not in ("merged", "pad")] for row in grid]
    widest = max(len(row) for row in rows)
    for row in rows:
        doc.lines.extend(_pipe_cell(doc, cell) if cell.text else "|" for cell in row)
        doc.lines.append("|" * (widest - len(row) + 1))


def _print_flat(doc: _Doc, section: str, grid: Grid, sep: str) -> None:
    """spaces / run_together: the row's labels, then its printed numbers, on one line;
    a label broken across lines leaves its first part on lines of its own."""
    breaks = _break_points(doc, len(grid))
    for r, row in enumerate(grid):
        parts: list[str] = []
        for cell in row:
            if cell.kind == "value" or not cell.text:
                continue
            pieces = _split_label(doc, cell, joiner=sep)
            if len(pieces) > 1:
                doc.lines.append(sep.join([*parts, pieces[0]]))
                if r in breaks:
                    doc.lines.append(_page_break(doc))
                    breaks.discard(r)
                doc.lines.extend(pieces[1:-1])
                parts = []
            parts.append(pieces[-1])
        values = [c for c in row if c.kind == "value" and c.key]
        numbers = [c.text for c in values if c.text]
        if values:
            doc.runs.append(Run(section, tuple(c.key for c in values if c.key), sep.join(numbers),
                                blanks=len(values) - len(numbers)))
        parts.extend(_number(doc, n) for n in numbers) if sep else parts.append("".join(numbers))
        if r in breaks:
            doc.lines.append(_page_break(doc))
        doc.lines.append(sep.join(p for p in parts if p))


def _print_grid(doc: _Doc, style: str, section: str, grid: Grid) -> None:
    if style == "tab_rows":
        _print_tab_rows(doc, grid)
    elif style == "cell_lines":
        _print_cell_lines(doc, grid)
    elif style == "pipe":
        _print_pipe(doc, grid)
    else:
        _print_flat(doc, section, grid, " " if style == "spaces" else "")


# ---------------------------------------------------------------- narrative


def _title_lines(doc: _Doc) -> list[str]:
    t, rng = doc.truth, doc.rng
    roll = rng.random()
    if roll < 0.4:
        return [f"{t.agency}{t.year}年政府信息公开工作年度报告", ""]
    if roll < 0.55:
        return ["", f"{t.agency} {t.year} 年 政府信息公开工作年度报告", ""]
    if roll < 0.75:
        return [t.agency, "", f"{t.year}年政府信息公开工作年度报告", ""]
    if roll < 0.9:
        return [rng.choice([f"{t.agency}{t.year}年政府信息公开年报",
                            f"{t.agency}关于{t.year}年政府信息公开工作年度报告"]), ""]
    return []


def _section_one(doc: _Doc, titled: bool) -> list[str]:
    t, rng = doc.truth, doc.rng
    we = short_name(t.agency)
    opening = (
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
        f"关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求编制。本报告所列数据的统计期限自"
        f"{t.year}年1月1日起至{t.year}年12月31日止。"
        if titled
        else f"{t.year}年以来，{t.agency}坚持“以公开促落实、以公开强监管、以公开优服务”，紧紧围绕上级关于全面推进"
             f"基层政务公开标准化规范化工作部署，现将本年度政府信息公开工作情况报告如下。"
    )
    requests = sum(int(v or 0) for k, v in t.cells.items() if k.startswith("s3.new.") and not k.endswith(".total"))
    published = rng.randint(12, 2400)
    return [
        opening, "", "一、总体情况", "",
        f"{t.year}年，{we}不断拓宽信息公开载体，完善信息公开机制，深化信息公开内容，全面完成政务公开各项工作。", "",
        "（一）主动公开", "",
        f"本年度{we}主要通过政府门户网站、政务公开栏、政务新媒体等渠道主动公开政府信息{published}条，"
        f"其中政策文件{rng.randint(0, 40)}件、政策解读{rng.randint(0, 20)}篇。", "",
        "（二）依申请公开", "",
        f"{t.year}年，{we}共收到政府信息公开申请{requests}件，均在法定期限内予以答复。" if requests
        else "截止目前，未收到公民、法人和其他组织通过各种形式提出的政府信息公开申请。", "",
        "（三）政府信息管理", "",
        "一是严把发布审核关，落实“先审查、后公开”和“一事一审”制度；"
        "二是动态更新政府信息公开目录，确保信息准确完整。", "",
        "（四）平台建设", "",
        f"充分发挥政府网站第一平台作用，全年更新栏目信息{rng.randint(10, 900)}条，同时做好政务新媒体日常运维。", "",
        "（五）监督保障", "",
        "一是加强组织领导，明确专人负责；二是开展业务培训，提升工作人员业务能力；三是将政务公开工作纳入年度考核。", "",
    ]


def _closing_sections(doc: _Doc) -> list[str]:
    t, rng = doc.truth, doc.rng
    fee = t.cells.get("s2.fees.amount")
    return [
        "", rng.choice(_S5_HEADINGS), "",
        "（一）存在的主要问题。一是信息公开的及时性有待提高；二是政策解读形式较为单一，多以文字为主。", "",
        f"（二）改进措施。{t.year + 1}年，{short_name(t.agency)}将进一步健全政务公开工作机制，丰富政策解读形式，"
        "加强工作人员业务培训，不断提升政务公开工作质效。", "",
        _S6_HEADING, "",
        f"{t.year}年度，本机关未收取信息处理费。" if not fee
        else f"{t.year}年度，本机关依法收取信息处理费{rng.randint(1, 30)}笔。", "",
    ]


# ---------------------------------------------------------------- entry point


def render_text(truth: ReportTruth, path_stem: Path, rng: random.Random, style: str | None = None,
                encoding: str | None = None, damage: Damage | None = None) -> Path:
    """Write the report as `<stem>.<style>.txt` and return its path."""
    if style == WEBPAGE:
        return render_webpage(truth, path_stem, rng)
    style = style or rng.choices(STYLES, _STYLE_WEIGHTS)[0]
    encoding = encoding or rng.choices(_ENCODINGS, _ENCODING_WEIGHTS)[0]
    doc = _Doc(truth, rng, damage or Damage.draw(rng))
    layout = layout_for(truth.template)
    grids = [_s2_grid(doc), _s3_grid(doc), _s4_grid(doc)]
    _apply_typos(doc, grids)

    title = _title_lines(doc)
    doc.lines.extend(title)
    doc.lines.extend(_section_one(doc, titled=bool(title)))
    for section, grid in zip(("s2", "s3", "s4"), grids, strict=True):
        doc.lines.extend(["", layout.section(section).headings[0], ""])
        _print_grid(doc, style, section, grid)
    found = record_ambiguity(truth, doc.runs)
    truth.forms += ["ambiguous"] * bool(found.keys) + ["ambiguity_capped"] * found.capped
    doc.lines.extend(_closing_sections(doc))
    doc.lines = plant_blocks(truth, doc.lines, str, lambda text, _: text)

    newline = "\r\n" if rng.random() < 0.2 else "\n"
    # A page's markup indented: a crawler keeps the white space before every line's text
    # (drawn last, as the bar below, so that documents keep their text otherwise).
    indent = rng.choice(_INDENTS)
    doc.lines = [indent + line if line else line for line in doc.lines]
    if style == "pipe":
        # Cells parted by a full-width bar (typed on a Chinese keyboard) on one page in four.
        bar = rng.choice("|||\uff5c")
        doc.lines = [line.replace("|", bar) for line in doc.lines]
    path = path_stem.with_name(f"{path_stem.name}.{style}.txt")
    path.write_bytes(newline.join(doc.lines).encode(encoding))
    return path
