"""What a generated report prints, independent of the file format.

`build_plan` turns a ReportTruth into an ordered list of paragraphs and tables; the docx,
PDF, scan and HTML renderers only lay that plan out. Tables are grids of cells with
row/column spans exactly as real reports merge them, so every renderer prints the same
merges. Variation (label line breaks, spaces and no-break spaces around numbers,
half-width punctuation, narrative length) is drawn here from the rng.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from bench.plant import left_out_rows, plant_blocks
from bench.truth import S3_COLUMNS, ReportTruth, Value, layout_for
from ingest.layouts import RowLayout

NBSP = "\u00a0"
PROBE_LENGTH = 5
IDEOGRAPHIC_SPACE = "\u3000"

S3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3_APPLICANTS = "申请人情况"
S3_OUTCOME_GROUP = "三、本年度办理结果"
S3_COLUMN_LABELS = {
    "natural_person": "自然人", "enterprise": "商业企业", "research": "科研机构",
    "public_interest": "社会公益组织", "legal_service": "法律服务机构", "other_org": "其他", "total": "总计",
}
S4_GROUPS = [("review", "行政复议"), ("suit_direct", "未经复议直接起诉"), ("suit_after_review", "复议后起诉")]
S4_COLUMNS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
              ("pending", "尚未审结"), ("total", "总计")]
# Section 二 rows grouped under the article of the regulation that requires them.
S2_ARTICLES = {
    "2021": [("（一）", ["regulations", "normative_docs"]), ("（五）", ["licensing"]),
             ("（六）", ["penalty", "coercion"]), ("（八）", ["fees"])],
    "2019": [("（一）", ["regulations", "normative_docs"]), ("（五）", ["licensing", "other_services"]),
             ("（六）", ["penalty", "coercion"]), ("（八）", ["fees"]), ("（九）", ["procurement"])],
}
HEADINGS = {
    "s1": "一、总体情况",
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}
TEMPLATE_LETTER = {"2021": "国办公开办函〔2021〕30号", "2019": "国办公开办函〔2019〕60号"}


@dataclass(frozen=True)
class PlanCell:
    """One printed cell: its top-left grid position, spans and text ("\n" = printed line break)."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    key: str | None = None


@dataclass
class GridRow:
    """The truth keys printed in a grid row, and the first characters of its label (None: no label),
    short enough to stay on the label's first printed line however narrow the column."""

    keys: list[str] = field(default_factory=list)
    probe: str | None = None


@dataclass
class ReportTable:
    section: str
    n_cols: int
    rows: list[GridRow]
    cells: list[PlanCell]
    widths: list[float]  # relative column widths
    header_rows: int = 0

    def covered(self) -> set[tuple[int, int]]:
        """Grid positions hidden under another cell's span."""
        hidden = set()
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if (r, k) != (c.row, c.col):
                        hidden.add((r, k))
        return hidden


@dataclass(frozen=True)
class Para:
    text: str
    kind: str  # title | heading | subheading | body | signature


Block = Para | ReportTable


@dataclass(frozen=True)
class PlanStyle:
    """Per-document printing habits drawn once."""

    halfwidth: bool  # （） and ， printed half-width, as pasted from some editors
    value_spacing: str  # none | trailing | nbsp | ideographic
    label_breaks: bool  # 商业\n企业, 结果\n维持
    extra_paragraphs: int  # narrative length before the tables


def draw_style(rng: random.Random) -> PlanStyle:
    return PlanStyle(
        halfwidth=rng.random() < 0.15,
        value_spacing=rng.choices(["none", "trailing", "nbsp", "ideographic"], [5, 2, 2, 1])[0],
        label_breaks=rng.random() < 0.5,
        extra_paragraphs=rng.randint(0, 4),
    )


def value_text(value: Value, spacing: str, rng: random.Random) -> str:
    """A value as printed: blank for None, with the document's habit of spaces around it."""
    if value is None:
        return ""
    text = _number(value, rng)
    roll = rng.random()
    if spacing == "trailing" and roll < 0.6:
        return text + " " * rng.randint(1, 2)
    if spacing == "nbsp" and roll < 0.5:
        return rng.choice([NBSP + text, text + NBSP, NBSP + text + NBSP])
    if spacing == "ideographic" and roll < 0.5:
        return IDEOGRAPHIC_SPACE * rng.randint(1, 2) + text
    return text


def _number(value: int | Decimal, rng: random.Random) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if rng.random() < 0.4 else format(value.normalize(), "f")
    return str(value)


def short_name(agency: str) -> str:
    """How the agency calls itself in its own report: 我镇, 我局, 我委..."""
    for suffix, own in (("街道办事处", "我街道"), ("镇人民政府", "我镇"), ("乡人民政府", "我乡"), ("镇", "我镇"),
                        ("乡", "我乡"), ("委员会", "我委"), ("办公室", "我办"), ("局", "我局")):
        if agency.endswith(suffix):
            return own
    return "我单位"


def build_plan(truth: ReportTruth, rng: random.Random, style: PlanStyle | None = None) -> list[Block]:
    """The report's paragraphs and tables in reading order."""
    style = style or draw_style(rng)
    plan: list[Block] = [*_title(truth, rng), Para(_intro(truth, rng), "body")]
    plan += _overview(truth, rng, style.extra_paragraphs)
    plan += [Para(HEADINGS["s2"], "heading"), _s2_table(truth, rng, style)]
    plan += [Para(HEADINGS["s3"], "heading"), _s3_table(truth, rng, style)]
    plan += [Para(HEADINGS["s4"], "heading"), _s4_table(truth, rng, style)]
    plan += [Para(HEADINGS["s5"], "heading"), *_problems(truth, rng)]
    plan += [Para(HEADINGS["s6"], "heading"), *_other_matters(truth, rng)]
    plan += _signature(truth, rng)
    plan = plant_blocks(truth, plan, lambda b: b.text if isinstance(b, Para) else "",
                        lambda text, old: Para(text, old.kind if isinstance(old, Para) else "body"))
    if style.halfwidth:
        plan = [_halfwidth(b) for b in plan]
    return plan


def _halfwidth(block: Block) -> Block:
    table = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":"})
    if isinstance(block, Para):
        return Para(block.text.translate(table), block.kind)
    cells = [PlanCell(c.row, c.col, c.text.translate(table), c.rowspan, c.colspan, c.header, c.key)
             for c in block.cells]
    rows = [GridRow(r.keys, r.probe.translate(table) if r.probe else None) for r in block.rows]
    return ReportTable(block.section, block.n_cols, rows, cells, block.widths, block.header_rows)


def _broken(label: str, parts: list[int], on: bool) -> str:
    """`label` with line breaks after the given character counts, when the style breaks labels."""
    if not on:
        return label
    out, start = [], 0
    for n in parts:
        out.append(label[start:start + n])
        start += n
    out.append(label[start:])
    return "\n".join(p for p in out if p)


# --- Tables -----------------------------------------------------------------------------------

class _Grid:
    """Accumulates cells and row descriptions of one table."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.cells: list[PlanCell] = []
        self.rows: list[GridRow] = []

    def new_row(self, keys: list[str] | None = None, probe: str | None = None) -> int:
        self.rows.append(GridRow(keys or [], probe))
        return len(self.rows) - 1

    def put(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1,
            header: bool = False, key: str | None = None) -> None:
        self.cells.append(PlanCell(row, col, text, rowspan, colspan, header, key))

    def table(self, section: str, widths: list[float], header_rows: int = 0) -> ReportTable:
        return ReportTable(section, self.n_cols, self.rows, self.cells, widths, header_rows)


def row_label(truth: ReportTruth, row: RowLayout) -> str:
    """The printed label of a row: the variant naming one of the truth's deviations, else the standard one."""
    for variant in row.labels:
        if variant.deviation and variant.deviation in truth.deviations:
            return variant.text
    return next(v.text for v in row.labels if v.deviation is None)


def _row_label(truth: ReportTruth, section: str, row_key: str) -> str:
    return row_label(truth, layout_for(truth.template).row_by_key(section, row_key))


def _column_label(truth: ReportTruth, label: str) -> str:
    if label == "采购总金额" and truth.procurement_unit:
        return f"采购总金额（{truth.procurement_unit}）"
    return label


def _s2_table(truth: ReportTruth, rng: random.Random, style: PlanStyle) -> ReportTable:
    layout = layout_for(truth.template)
    grid = _Grid(4)
    for article, row_keys in S2_ARTICLES[truth.template]:
        r = grid.new_row()
        grid.put(r, 0, f"第二十条第{article}项", colspan=4, header=True)
        columns = layout.row_by_key("s2", row_keys[0]).columns
        r = grid.new_row()
        grid.put(r, 0, "信息内容", header=True)
        for i, col in enumerate(columns):
            span = 4 - 1 - i if i == len(columns) - 1 else 1
            grid.put(r, 1 + i, _column_label(truth, col.label), colspan=span, header=True)
        for row_key in [k for k in row_keys if f"s2.{k}" not in left_out_rows(truth)]:
            row = layout.row_by_key("s2", row_key)
            label = _row_label(truth, "s2", row_key)
            keys = row.cell_keys()
            r = grid.new_row(keys, label[:PROBE_LENGTH])
            grid.put(r, 0, label)
            for i, key in enumerate(keys):
                span = 4 - 1 - i if i == len(keys) - 1 else 1
                grid.put(r, 1 + i, value_text(truth.cells[key], style.value_spacing, rng), colspan=span, key=key)
    first = rng.uniform(0.28, 0.4)
    return grid.table("s2", [first] + [(1 - first) / 3] * 3)


def _s3_printed_rows(truth: ReportTruth) -> list[str]:
    """Row keys of section 三 in printed order: the layout's rows whose cells the truth holds."""
    rows = layout_for(truth.template).section("s3").rows
    return [r.key for r in rows if f"s3.{r.key}.total" in truth.cells]


def _s3_table(truth: ReportTruth, rng: random.Random, style: PlanStyle) -> ReportTable:
    layout = layout_for(truth.template)
    grid = _Grid(10)
    brk = style.label_breaks
    for _ in range(3):
        grid.new_row()
    grid.put(0, 0, S3_NOTE, rowspan=3, colspan=3, header=True)
    grid.put(0, 3, S3_APPLICANTS, colspan=7, header=True)
    grid.put(1, 3, S3_COLUMN_LABELS["natural_person"], rowspan=2, header=True)
    grid.put(1, 4, "法人或其他组织", colspan=5, header=True)
    grid.put(1, 9, S3_COLUMN_LABELS["total"], rowspan=2, header=True)
    for i, col in enumerate(S3_COLUMNS[1:]):
        label = S3_COLUMN_LABELS[col]
        grid.put(2, 4 + i, _broken(label, [2, 2], brk and rng.random() < 0.8), header=True)

    printed = _s3_printed_rows(truth)
    first_outcome = printed.index("granted")
    last_outcome = printed.index("total")
    groups: dict[str, list[int]] = {}
    for key in printed:
        row = layout.row_by_key("s3", key)
        label = _row_label(truth, "s3", key)
        keys = [f"s3.{key}.{c}" for c in [*S3_COLUMNS, "total"]]
        r = grid.new_row(keys, label[:PROBE_LENGTH])
        index = r - 3
        if index < first_outcome or index > last_outcome:
            grid.put(r, 0, label, colspan=3)
        elif row.group and row.group != S3_OUTCOME_GROUP:
            groups.setdefault(row.group, []).append(r)
            grid.put(r, 2, label)
        else:
            grid.put(r, 1, label, colspan=2)
        for i, k in enumerate(keys):
            grid.put(r, 3 + i, value_text(truth.cells[k], style.value_spacing, rng), key=k)
    grid.put(3 + first_outcome, 0, S3_OUTCOME_GROUP, rowspan=last_outcome - first_outcome + 1)
    for group, rows in groups.items():
        grid.put(rows[0], 1, group, rowspan=len(rows))
    label_widths = [rng.uniform(0.06, 0.09), rng.uniform(0.08, 0.12), rng.uniform(0.22, 0.32)]
    value_width = (1 - sum(label_widths)) / 7
    return grid.table("s3", label_widths + [value_width] * 7, header_rows=3)


def _s4_table(truth: ReportTruth, rng: random.Random, style: PlanStyle) -> ReportTable:
    grid = _Grid(15)
    brk = style.label_breaks
    for _ in range(3):
        grid.new_row()
    grid.put(0, 0, "行政复议", colspan=5, header=True)
    grid.put(0, 5, "行政诉讼", colspan=10, header=True)
    for i, (_, label) in enumerate(S4_COLUMNS):
        grid.put(1, i, _broken(label, [2], brk), rowspan=2, header=True)
    grid.put(1, 5, S4_GROUPS[1][1], colspan=5, header=True)
    grid.put(1, 10, S4_GROUPS[2][1], colspan=5, header=True)
    for g in range(2):
        for i, (_, label) in enumerate(S4_COLUMNS):
            grid.put(2, 5 + 5 * g + i, _broken(label, [2], brk), header=True)
    keys = [f"s4.{group}.{col}" for group, _ in S4_GROUPS for col, _ in S4_COLUMNS]
    r = grid.new_row(keys)
    for i, k in enumerate(keys):
        grid.put(r, i, value_text(truth.cells[k], style.value_spacing, rng), key=k)
    return grid.table("s4", [1 / 15] * 15, header_rows=3)


# --- Narrative --------------------------------------------------------------------------------

def _title(truth: ReportTruth, rng: random.Random) -> list[Para]:
    rest = f"{truth.year}年政府信息公开工作年度报告"
    roll = rng.random()
    if roll < 0.45:
        return [Para(truth.agency, "title"), Para(rest, "title")]
    if roll < 0.75:
        return [Para(truth.agency + rest, "title")]
    return [Para(f"{truth.agency} {truth.year} 年政府信息公开工作年度报告", "title")]


def _intro(truth: ReportTruth, rng: random.Random) -> str:
    y = truth.year
    letter = TEMPLATE_LETTER[truth.template]
    options = [
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室"
        f"关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{letter}）要求编制。全文包括总体情况、"
        f"主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及"
        f"改进情况、其他需要报告的事项。本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
        f"根据《中华人民共和国政府信息公开条例》第五十条规定和（{letter}）要求，现发布《{truth.agency}{y}年政府信息"
        f"公开工作年度报告》。本报告统计数据从{y}年1月1日至12月31日。如对本报告有疑问，请与{truth.agency}办公室联系"
        f"（电话：0{rng.randint(100, 999)}-{rng.randint(1000000, 8999999)}，邮编：{rng.randint(100000, 860000)}）。",
        f"{y}年，{short_name(truth.agency)}在上级党委、政府的正确领导下，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        f"坚持以公开为常态、不公开为例外，围绕中心工作，有序推进政府信息公开各项工作。现将{y}年度政府信息公开工作"
        f"情况报告如下（所列数据的统计期限自{y}年1月1日至{y}年12月31日）。",
    ]
    return rng.choice(options)


_OVERVIEW = {
    "（一）主动公开": [
        "{y}年，{me}坚持“以公开为常态、不公开为例外”原则，通过政府门户网站、政务新媒体、政务公开栏等渠道主动公开"
        "政府信息{n1}条，其中工作动态{n2}条，通知公告{n3}条，财政预决算信息{n4}条。",
        "围绕群众关心关注的热点问题，{me}及时公开惠民惠农财政补贴、就业创业、社会救助、安全生产等重点领域信息，"
        "做到应公开尽公开，切实保障人民群众的知情权、参与权和监督权。",
        "{me}严格落实“三审三校”制度，对拟公开信息进行保密审查，全年未发生泄密和不当公开事件。",
    ],
    "（二）依申请公开": [
        "{me}进一步规范依申请公开工作流程，明确受理、登记、审查、答复等环节的办理时限和要求。{req}",
        "对收到的政府信息公开申请，{me}严格按照《条例》规定的时限和程序办理，做到依法答复、规范答复。",
    ],
    "（三）政府信息管理": [
        "一是落实专人负责，由办公室统筹，各股室按照各自职责安排专人对需公开的政府信息进行收集汇总；二是严格审核发布，"
        "坚持“先审后发”，确保政府信息公开及时、准确。",
        "{me}对现行有效的规范性文件进行动态清理，及时更新政府信息公开目录，全年更新公开指南{n5}次。",
    ],
    "（四）政府信息公开平台建设": [
        "{me}不断加强政府网站和政务新媒体建设，全年通过政务微信公众号发布信息{n6}条，政务公开专区接待群众查询"
        "{n7}人次，线上线下融合发展的公开格局逐步形成。",
        "定期对政务公开专区设备设施进行维护，及时更新政策文件、办事指南等资料，同时用好村（社区）信息公开栏，"
        "确保群众及时了解相关政策信息。",
    ],
    "（五）监督保障": [
        "成立了以主要负责同志为组长的政务公开工作领导小组，领导小组下设办公室，具体负责统筹协调政府信息公开工作。"
        "全年召开专题会议{n8}次，组织业务培训{n9}次。",
        "将政府信息公开工作纳入年度目标考核，主动接受群众监督，{y}年未发生因政府信息公开工作被责任追究的情况。",
    ],
}
_PADDING = [
    "聚焦重点领域信息公开，{me}围绕乡村振兴、生态环境保护、公共卫生、教育医疗等领域，持续加大信息公开力度，"
    "及时发布政策文件及解读材料，提升政策知晓度和群众满意度。",
    "加强政策解读，采取图文解读、案例解读、问答解读等多种形式，对出台的重要政策进行解读，全年发布政策解读材料{n2}篇。",
    "积极推进基层政务公开标准化规范化建设，梳理完善政务公开事项标准目录，推动公开内容覆盖权力运行全流程、"
    "政务服务全过程。",
    "加强政务舆情回应，建立健全舆情收集、研判、处置和回应机制，对涉及本单位的舆情及时予以回应，有效回应社会关切。",
    "深化办事服务公开，及时公开办事指南、办理流程、办理时限等信息，推动政务服务事项“一网通办”，方便群众办事。",
]


def _numbers(truth: ReportTruth, rng: random.Random) -> dict[str, object]:
    big = {"township": 300, "county": 1500, "city": 8000}[truth.scale]
    new_total = truth.cells.get("s3.new.total")
    req = (f"本年度共收到政府信息公开申请{new_total}件，均已按时办结。" if new_total
           else "本年度未收到政府信息公开申请。" if new_total == 0 else "")
    return {"y": truth.year, "me": short_name(truth.agency), "req": req,
            **{f"n{i}": rng.randint(2, big) for i in range(1, 10)}}


def _overview(truth: ReportTruth, rng: random.Random, extra: int) -> list[Para]:
    values = _numbers(truth, rng)
    out = [Para(HEADINGS["s1"], "heading")]
    inline = rng.random() < 0.4
    padding = rng.sample(_PADDING, k=min(extra, len(_PADDING)))
    for title, sentences in _OVERVIEW.items():
        chosen = sentences[: rng.randint(1, len(sentences))]
        if title == "（一）主动公开":
            chosen += padding
        texts = [s.format(**values) for s in chosen]
        if inline:
            out.append(Para(f"{title}。{texts[0]}", "body"))
        else:
            out += [Para(title, "subheading"), Para(texts[0], "body")]
        out += [Para(t, "body") for t in texts[1:]]
    return out


def _problems(truth: ReportTruth, rng: random.Random) -> list[Para]:
    me = short_name(truth.agency)
    texts = [
        f"{truth.year}年，{me}政府信息公开工作取得了一定成效，但也存在一些不足：一是公开内容的全面性和及时性有待提升；"
        f"二是政策解读形式较为单一；三是工作人员业务能力有待进一步提高。",
        f"下一步，{me}将从以下方面加以改进：一是加强学习培训，提升工作人员业务水平；二是丰富政策解读形式，"
        f"多采用图表、视频等群众喜闻乐见的方式；三是强化监督考核，确保各项工作落到实处。",
        f"{truth.year}年度{me}需要公开的信息已全部公开，但与公众的需求还存在差距，公开内容的及时性、全面性以及公开"
        f"形式的便民性等需要在今后工作中改进。",
    ]
    return [Para(t, "body") for t in rng.sample(texts, k=rng.randint(1, 3))]


def _other_matters(truth: ReportTruth, rng: random.Random) -> list[Para]:
    fee = ("依据《政府信息公开信息处理费管理办法》收取信息处理费的情况：本年度未收取信息处理费。"
           if truth.template == "2021" else "本年度未收取政府信息公开相关费用。")
    texts = [fee, "本年度无其他需要报告的事项。"]
    return [Para(t, "body") for t in texts[: rng.randint(1, 2)]]


def _signature(truth: ReportTruth, rng: random.Random) -> list[Para]:
    date = f"{truth.year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
    return [Para(truth.agency, "signature"), Para(date, "signature")]
