"""Tokens of a table's cells (ingest/mapper/tokens.py): a group's label over many rows."""

from __future__ import annotations

from ingest.labels import nfkc
from ingest.mapper.tokens import Kind, tokenize
from ingest.models import Document, SourceCell, Table


def _table(group_label: str, value_label: str = "4.保护第三方合法权益 0") -> Document:
    """Two rows under one label cell spanning both (三、本年度办理结果 down a narrow column)."""
    rows = []
    for r, label in enumerate(["（一）予以公开", value_label]):
        rows.append([SourceCell(group_label, r, 0, origin=(0, 0)), SourceCell(label, r, 1), SourceCell("0", r, 2)])
    return Document("image", [Table(rows)])


def _values(document: Document) -> list[list[str]]:
    rows: list[list[str]] = []
    for token in tokenize(document):
        if token.row_break:
            rows.append([])
        if token.kind in (Kind.VALUE, Kind.RUN):
            rows[-1].append(token.text)
    return rows


def test_a_digit_glued_to_a_label_over_rows_is_part_of_the_label() -> None:
    # 三 misread as 1 (a serif face): as a value it was each row's, one value too many.
    assert _values(_table("1本年度办理结果")) == [["0"], ["0", "0"]]


def test_a_label_over_rows_without_digits_gives_no_value() -> None:
    assert _values(_table("三、本年度办理结果")) == [["0"], ["0", "0"]]


def _labels_by_row(document: Document, row_labels: frozenset[str], alike: float = 1.0) -> list[list[str]]:
    rows: list[list[str]] = []
    for token in tokenize(document, row_labels, alike):
        if token.row_break:
            rows.append([])
        rows[-1].append(token.text)
    return rows


def _two_rows_one_label(label: str) -> Document:
    return Document("image", [Table([[SourceCell(label, r, 0, origin=(0, 0)), SourceCell(v, r, 1)]
                                     for r, v in enumerate(["0", "1"])])])


def test_two_row_labels_run_together_in_one_cell_go_one_to_each_row() -> None:
    # A photo lost the rule between them: the one label was the second row's, sure, with the
    # first row's value.
    known = frozenset({"行政处罚", "行政强制", "行政许可"})
    assert _labels_by_row(_two_rows_one_label("行政处罚行政强制"), known) == [["行政处罚", "0"], ["行政强制", "1"]]


def test_a_group_label_over_rows_stays_every_rows() -> None:
    known = frozenset({"行政处罚", "行政强制"})
    assert _labels_by_row(_two_rows_one_label("行政处罚行政"), known) == [["行政处罚行政", "0"], ["行政处罚行政", "1"]]


def _label_row(label: str, confidence: float) -> Document:
    return Document("image", [Table([[SourceCell(label, 0, 0, confidence=confidence),
                                      *(SourceCell("0", 0, c) for c in range(1, 8))]])])


def test_a_digit_between_two_characters_of_a_label_read_unsure_is_part_of_the_label() -> None:
    # 申 read as 中1 on a fax (seed 1313's fax TIFF 7): as a value, the label was cut there
    # and the row's seven values were no row's.
    assert _values(_label_row("4.无正当理山大量反复中1请", 0.62)) == [["0"] * 7]
    # Read exactly (a web page's cell), digits between words may be values run into labels;
    # an unsure reading's number beside a word on one side only may be a value too.
    assert _values(_label_row("4.无正当理由大量反复申请1请", 1.0)) == [["1", *["0"] * 7]]
    assert _values(_label_row("4.无正当理由大量反复申请 1", 0.62)) == [["1", *["0"] * 7]]


def _two_rows_one_value(value: str) -> Document:
    """Two labelled rows whose 总计 is one cell over both (the rule between them lost)."""
    return Document("image", [Table([[SourceCell(label, r, 0), SourceCell("0", r, 1),
                                      SourceCell(value, r, 2, origin=(0, 2), confidence=0.99)]
                                     for r, label in enumerate(["2.其他法律行政法规禁止公开", "3.危及三安全一稳定"])])])


def test_a_run_of_as_many_digits_as_rows_in_a_value_cell_over_rows_gives_each_row_one() -> None:
    # Seed 7979's fax TIFF 5: 0 over 0 read 00; both rows were left without a 总计.
    assert _values(_two_rows_one_value("00")) == [["0", "0"], ["0", "0"]]
    assert _values(_two_rows_one_value("0 1")) == [["0", "0"], ["0", "1"]]


def test_one_number_in_a_value_cell_over_rows_stays_every_rows() -> None:
    # 12 may be one row's, the other row's cell blank: which, the cell cannot say.
    assert _values(_two_rows_one_value("12")) == [["0", "12"], ["0", "12"]]


def _header_over_value(header: str) -> Document:
    """本年收费金额's header cell over its value's row too (the rule between them lost)."""
    return Document("image", [Table([[SourceCell(label, r, 0, confidence=0.9),
                                      SourceCell(header, r, 1, origin=(0, 1), confidence=0.9)]
                                     for r, label in enumerate(["信息内容", "行政事业性收费"])])])


def test_a_number_ending_a_header_cell_over_its_value_row_is_the_last_rows_value() -> None:
    # Seed 7979's fax TIFF 7: 本年收费金额（单位：万元） over 433.93 read as one cell; the
    # amount was glued into the header's words and lost.
    assert _labels_by_row(_header_over_value("本年收费金额（单位：万元）433.93"), frozenset()) == [
        ["信息内容", "本年收费金额(单位:万元)"], ["行政事业性收费", "433.93"]]


def test_a_digit_ending_a_group_label_before_row_labels_is_part_of_it() -> None:
    # The group's last row prints its own label after it: a digit read at the group label's end
    # is a misread character, not that row's value.
    assert _values(_table("三、本年度办理结4")) == [["0"], ["0", "0"]]


def test_two_headers_side_by_side_over_their_values_each_give_their_number() -> None:
    # Seed 7979's fax TIFF 2: 结果纠正 and 其他结果 each one cell with the 0 under it.
    headers = ["结米纠正0", "其他结果0"]
    rows = [[SourceCell(text, r, c, origin=(0, c), confidence=0.8) for c, text in enumerate(headers)]
            + [SourceCell("总计" if r == 0 else "0", r, 2, confidence=0.9)] for r in range(2)]
    assert _values(Document("image", [Table(rows)])) == [[], ["0", "0", "0"]]


def _two_rows_one_label_read_unsure(label: str) -> Document:
    return Document("image", [Table([[SourceCell(label, r, 0, origin=(0, 0), confidence=0.78), SourceCell(v, r, 1)]
                                     for r, v in enumerate(["0", "1"])])])


def test_two_row_labels_run_together_misread_go_one_to_each_row() -> None:
    """（一）予以公开 and （二）部分公开… in one cell over both rows, the second misread (a fax lost
    the rule between them, seed 8787's fax TIFF 0): cut where each piece is like a row label."""
    known = frozenset({"予以公开", "部分公开区分处理的只计这一情形不计其他情形", "其他"})
    read = "）予以公开（）常分公斤（区分处理的，只'卡这一情形，不让其他情形)"
    assert _labels_by_row(_two_rows_one_label_read_unsure(read), known, 0.74) == [
        ["予以公开", "0"], ["常分公斤区分处理的只卡这一情形不让其他情形", "1"]]
    # Read exactly (a Word file's merged cell), it is one label, every row's.
    first, second = _labels_by_row(_two_rows_one_label(read), known, 0.74)
    assert first[0] == second[0] == nfkc(read)
    # A group's label over rows is like no row label run together: it stays every row's.
    first, second = _labels_by_row(_two_rows_one_label_read_unsure("（三）不予公开"), known, 0.74)
    assert first[0] == second[0] == nfkc("（三）不予公开")


def test_a_digit_after_a_labels_ordinal_in_two_labels_over_rows_read_unsure_is_part_of_the_label() -> None:
    """1.属于国家秘密 read 1. 4 于时家秘出 in one cell with 2.其他法律… over both rows (a fax lost
    the rule between them, seed 7070's fax TIFF 2): the 4 was each row's value and neither row
    got its own label; section 三's first three rows of 不予公开 were left unplaced."""
    read = "1. 4 于时家秘出2.其他法律行政法规禁止公开"
    assert _labels_by_row(_two_rows_one_label_read_unsure(read), frozenset()) == [
        ["1.4于时家秘出", "0"], ["2.其他法律行政法规禁止公开", "1"]]
    # A number after a label's words, before the next row's label, may be a value.
    assert _values(_two_rows_one_label_read_unsure("1.属于国家秘密 4 2.其他法律行政法规禁止公开")) == [
        ["4", "0"], ["4", "1"]]
