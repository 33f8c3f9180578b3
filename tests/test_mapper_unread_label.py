"""A table row whose label OCR misread takes the one template row the rows around it leave
(ingest/mapper/chain.py rows_between): placed weakly, and as surely as a clear label where the
rows around it are placed surely and the table's rows run one for one with the template's
(rows_placed_by_order)."""

from __future__ import annotations

from ingest.layouts import load_layouts
from ingest.mapper import map_document
from ingest.models import CellReading, Document, Paragraph, SourceCell, Table
from ingest.settings import Settings


def _section_two(first_label: str, heading_row: bool = False, heading_cells: tuple[str, ...] = ()) -> Document:
    # The article's heading over the table, one merged cell (its other positions read blank).
    heading = list(heading_cells) or ["第二十条第（一）项", "", "", ""]
    rows = [heading] * heading_row + [
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            [first_label, "1", "0", "2"],
            ["行政规范性文件", "0", "3", "0"]]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    return Document("image", [Paragraph("二、主动公开政府信息情况"), table])


def _regulations(first_label: str, heading_row: bool = False,
                 heading_cells: tuple[str, ...] = ()) -> list[tuple[object, float]]:
    settings = Settings()
    document = _section_two(first_label, heading_row, heading_cells)
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s2.regulations.{key}"] for key in ("issued", "repealed", "in_force")]
    return [(cell.value, cell.confidence) for cell in cells]


def test_a_misread_first_row_label_takes_the_row_before_the_next_one_by_order() -> None:
    # 规章 read as 规堂: no label matches, but only 规章 can stand before 行政规范性文件, the
    # section's first row on the table's row before it.
    readings = _regulations("规堂")
    assert [value for value, _ in readings] == [1, 0, 2]
    assert all(confidence > 0.9 for _, confidence in readings)


def test_a_misread_first_row_under_a_merged_heading_row_takes_its_row() -> None:
    # Seed 4747's fax: 规章 read 规帝 under 第二十条第（一）项's merged row, whose blank
    # positions were taken for a row of values: 4 0 0 lost.
    readings = _regulations("规帝", heading_row=True)
    assert [value for value, _ in readings] == [1, 0, 2]


def test_a_misread_first_row_under_a_heading_row_starting_blank_takes_its_row() -> None:
    # Seed 7979's fax TIFF 3: the heading row's first cell read apart from the heading, blank;
    # 规章 read 规学, and its 0 0 1 lost.
    readings = _regulations("规学", heading_row=True, heading_cells=("", "第二十条第（一）项", "", ""))
    assert [value for value, _ in readings] == [1, 0, 2]


def test_a_misread_first_row_under_a_heading_row_with_a_digit_read_in_it_takes_its_row() -> None:
    # Seed 5903's fax TIFF 0: the heading's （一）项 cut by a column's rule, its piece 一) read 1;
    # 规章 read 规α, and its 0 0 0 lost.
    readings = _regulations("规α", heading_row=True, heading_cells=("", "第二十条第（）Ⅱ", "1", ""))
    assert [value for value, _ in readings] == [1, 0, 2]


def test_a_row_read_right_is_placed_surely() -> None:
    readings = _regulations("规章")
    assert [value for value, _ in readings] == [1, 0, 2]
    assert all(confidence > 0.9 for _, confidence in readings)


def test_values_under_a_label_naming_another_row_are_not_moved() -> None:
    # The label names a row of section 三: not the row the gap leaves.
    readings = _regulations("本年新收政府信息公开申请数量")
    assert [value for value, _ in readings] != [1, 0, 2]


def _enforcement(penalty: list[str], coercion: list[str]) -> Document:
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "2"],
            ["行政规范性文件", "0", "3", "0"],
            ["信息内容", "本年处理决定数量"],
            ["行政许可", "5"], penalty, coercion,
            ["信息内容", "本年收费金额（单位：万元）"],
            ["行政事业性收费", "1.50"]]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    return Document("image", [Paragraph("二、主动公开政府信息情况"), table])


def _decisions(document: Document) -> list[tuple[object, float]]:
    settings = Settings()
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s2.{row}.decisions"] for row in ("penalty", "coercion")]
    return [(cell.value, cell.confidence) for cell in cells]


def test_two_misread_rows_in_a_row_take_the_two_rows_left_in_order_weakly() -> None:
    # 行政处罚 and 行政强制 both misread (a fax's worn print): only they stand between 行政许可 and 行政事业性收费.
    readings = _decisions(_enforcement(["彳攻处冈", "7"], ["行攻强刮", "8"]))
    assert [value for value, _ in readings] == [7, 8]
    assert all(confidence < 0.9 for _, confidence in readings)


def test_two_misread_rows_with_one_row_of_values_are_not_guessed() -> None:
    readings = _decisions(_enforcement(["彳攻处冈", "7"], ["行攻强刮"]))
    assert all(value is None for value, _ in readings)


def _section_three_ending(total_label: str) -> Document:
    """Section 三's last rows, （六）其他处理 printed as one row (the 2019 form a 2021 table may
    keep) and （七）总计 under `total_label`."""
    head = ["三、本年度办理结果", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = [head,
            ["（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "0", "0", "0", "0", "0", "0", "0"],
            ["（六）其他处理", "", "0", "0", "0", "0", "0", "0", "0"],
            [total_label, "", "1", "0", "0", "0", "0", "2", "3"],
            ["四、结转下年度继续办理", "", "0", "0", "0", "0", "0", "0", "0"]]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    return Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table])


def test_a_misread_total_after_the_single_other_row_takes_the_total_row() -> None:
    # （七）总计 read as (七)总; (a 150-dpi fax in a small face): the rows （六）其他处理 stands for
    # are printed there, so the one row left before 四、结转… is the total's.
    settings = Settings()
    chosen = map_document(_section_three_ending("(七)总;"), load_layouts(settings.layouts_dir), settings)
    # These rows alone print 2019's rows as much as 2021's: the 2021 template's mapping is the one
    # a whole report gets.
    mapping = next(m for m in (chosen, *chosen.others) if m.template.template == "2021")
    assert "s3.other single row" in mapping.deviations
    values = [mapping.cells[f"s3.total.{column}"].value for column in ("natural_person", "other_org", "total")]
    assert values == [1, 2, 3]


def test_digits_misread_inside_a_total_label_are_no_values_of_its_own() -> None:
    # （七）总计 read 1七121 by a fax's worn print (seed 7319): its 1 and 121 are the label's
    # characters, not a row of values before the row's seven.
    settings = Settings()
    chosen = map_document(_section_three_ending("1七121"), load_layouts(settings.layouts_dir), settings)
    mapping = next(m for m in (chosen, *chosen.others) if m.template.template == "2021")
    cells = [mapping.cells[f"s3.total.{column}"] for column in ("natural_person", "other_org", "total")]
    assert [cell.value for cell in cells] == [1, 2, 3]
    assert all(cell.confidence < 0.9 for cell in cells)


def _section_three_last_rows(values: list[list[str]]) -> Document:
    """Section 三's last rows read from a worn fax, their labels naming none (3.其他, （七）总计
    and 四、结转下年度继续办理 read 3.J他, (七)总 and ド年度継納小理; seed 7979's fax TIFF 7),
    with `values`, then section 四's heading."""
    head = ["三、本年度办理结果", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    no_fee = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    rows = [head, ["（六）其他处理", no_fee, "0", "0", "0", "0", "0", "0", "0"]]
    rows += [[label, "", *row] for label, row in zip(("3.J他", "(七)总", "ド年度継納小理"), values, strict=True)]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    return Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table,
                              Paragraph("四、政府信息公开行政复议、行政诉讼情况")])


def _last_rows_2021(document: Document) -> list[CellReading]:
    settings = Settings()
    chosen = map_document(document, load_layouts(settings.layouts_dir), settings)
    mapping = next(m for m in (chosen, *chosen.others) if m.template.template == "2021")
    return [mapping.cells[f"s3.{row}.{column}"] for row in ("other.other", "total", "carried_forward")
            for column in ("natural_person", "total")]


def test_a_sections_last_rows_misread_take_the_rows_left_before_the_next_heading_by_order() -> None:
    cells = _last_rows_2021(_section_three_last_rows([["0", "0", "0", "0", "0", "0", "0"],
                                                      ["1", "0", "0", "0", "0", "0", "1"],
                                                      ["1", "0", "0", "0", "1", "0", "2"]]))
    assert [cell.value for cell in cells] == [0, 0, 1, 1, 1, 2]
    assert all(cell.confidence > 0.9 for cell in cells)


def test_a_sections_last_rows_short_of_cells_are_not_guessed_past_its_last_row_found() -> None:
    # Past the last row found, only the next heading ends the rows: a row printing fewer values
    # than its cells may be anything a table prints there.
    cells = _last_rows_2021(_section_three_last_rows([["0", "0", "0", "0", "0", "0", "0"],
                                                      ["1", "1"],
                                                      ["1", "0", "0", "0", "1", "0", "2"]]))
    assert all(cell.value is None for cell in cells)


def test_digits_read_in_a_labels_cell_leave_the_row_between_its_neighbours() -> None:
    # 规章 read 1.41规堂: the digits, read in the label's cell, are no row of their own.
    readings = _regulations("1.41规堂")
    assert [value for value, _ in readings] == [1, 0, 2]


def _under_one_label(label: str) -> list[float]:
    """The confidences of 行政规范性文件's cells when one label cell stands over its row and 规章's."""
    header = ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    rows = [[SourceCell(text, 0, c, confidence=0.99) for c, text in enumerate(header)]]
    for r, values in ((1, ["0", "0", "0"]), (2, ["6", "9", "1"])):
        rows.append([SourceCell(label, r, 0, origin=(1, 0), confidence=0.9),
                     *(SourceCell(v, r, c, origin=(r, c), confidence=0.99) for c, v in enumerate(values, start=1))])
    settings = Settings()
    document = Document("image", [Paragraph("二、主动公开政府信息情况"), Table(rows)])
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    return [mapping.cells[f"s2.normative_docs.{key}"].confidence for key in ("issued", "repealed", "in_force")]


def test_a_label_cell_over_two_rows_of_values_naming_one_leaves_the_row_it_names_unsure() -> None:
    # The rule between 规章 and 行政规范性文件 lost, 规章 misread: one label cell over both rows
    # (seed 9292's fax): the first row's values were taken for 行政规范性文件's at 1.0.
    assert all(confidence < 0.9 for confidence in _under_one_label("规究行政规范性文件"))


def test_two_labels_in_one_cell_over_their_rows_name_them_in_order() -> None:
    assert all(confidence > 0.9 for confidence in _under_one_label("规章行政规范性文件"))


def _section_three(granted: str, state_secret: str) -> Document:
    """Section 三's first rows (2019 format) as a scan reads them: 三、本年度办理结果 and
    （三）不予公开 merged over the rows of their groups."""
    header = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    labels = [("一、本年新收政府信息公开申请数量", None), ("二、上年结转政府信息公开申请数量", None),
              (granted, "三、本年度办理结果"), ("（二）部分公开", "三、本年度办理结果"),
              (state_secret, "（三）不予公开"), ("2.其他法律行政法规禁止公开", "（三）不予公开"),
              ("3.危及“三安全一稳定”", "（三）不予公开"), ("4.保护第三方合法权益", "（三）不予公开")]
    rows = [[SourceCell("", 0, c, (0, 0)) for c in range(3)] + [SourceCell(h, 0, 3 + i) for i, h in enumerate(header)]]
    for r, (label, group) in enumerate(labels, start=1):
        if group is None:
            cells = [SourceCell(label, r, c, (r, 0)) for c in range(3)]
        else:
            first = next(k for k, (_, g) in enumerate(labels, start=1) if g == group)
            cells = [SourceCell(group, r, 0, (first, 0)), *(SourceCell(label, r, c, (r, 1)) for c in (1, 2))]
        values = [str(r), "0", "0", "0", "0", "0", str(r)]
        rows.append(cells + [SourceCell(v, r, 3 + i, confidence=0.99) for i, v in enumerate(values)])
    return Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), Table(rows)])


def test_a_group_label_beside_a_misread_row_names_no_other_row() -> None:
    # Seed 2828's photo 6: （三）不予公开, printed beside each of its rows, reads like （一）予以公开,
    # itself misread; the misread 1.属于国家秘密 was not placed, its zeros lost.
    settings = Settings()
    document = _section_three("（一）ふMハII", "1.届千国家秘宓")
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s3.denied.state_secret.{key}"] for key in ("natural_person", "enterprise", "total")]
    assert [cell.value for cell in cells] == [5, 0, 5]


def test_a_sections_first_row_under_its_column_headers_with_its_label_lost_takes_its_row() -> None:
    # Seed 8787's fax TIFF 3: the column note's cell ran down over 一、本年新收's label; the
    # headers before the row's values (法人或其他组织 holds 其他, and 总计) were taken to name
    # （六）3.其他 and （七）总计, and the row was not placed.
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    kinds = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    rows = [[SourceCell(note, 0, 0, origin=(0, 0)), SourceCell("自然人", 0, 1, origin=(0, 1)),
             *(SourceCell("法人或其他组织", 0, c, origin=(0, 2)) for c in range(2, 7)),
             SourceCell("总计", 0, 7, origin=(0, 7))],
            [SourceCell(note, 1, 0, origin=(0, 0)), SourceCell("自然人", 1, 1, origin=(0, 1)),
             *(SourceCell(kind, 1, c) for c, kind in enumerate(kinds, start=2)),
             SourceCell("总计", 1, 7, origin=(0, 7))],
            [SourceCell(note, 2, 0, origin=(0, 0)),
             *(SourceCell(v, 2, c, confidence=0.99) for c, v in enumerate(["1", "0", "0", "0", "0", "0", "1"], 1))],
            [SourceCell("二、上年结转政府信息公开申请数量", 3, 0),
             *(SourceCell("0", 3, c, confidence=0.99) for c in range(1, 8))]]
    settings = Settings()
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), Table(rows)])
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    assert [mapping.cells[f"s3.new.{key}"].value for key in ("natural_person", "enterprise", "total")] == [1, 0, 1]


def test_a_group_labels_cell_cut_blank_beside_a_misread_row_is_no_row_of_values() -> None:
    # Seed 6173's fax 5: （五）不予处理's merged cell cut by the grid, read blank beside 2.重复申请
    # (read 2.重中): that blank, between 三、本年度办理结果 and the label, was taken for a row of
    # one blank value, the gap held two rows for one, and 2.重复申请's row was lost.
    header = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = [[SourceCell("", 0, c, (0, 0)) for c in range(3)] + [SourceCell(h, 0, 3 + i) for i, h in enumerate(header)]]
    labels = ["1.信访举报投诉类申请", "2.重中", "3.要求提供公开出版物", "4.无正当理由大量反复申请"]
    for r, label in enumerate(labels, start=1):
        group = SourceCell("", r, 1, (r, 1)) if r == 2 else SourceCell("（五）不予处理", r, 1, (1 if r < 2 else 3, 1))
        values = [str(r), "0", "0", "0", "0", "0", str(r)]
        rows.append([SourceCell("三、本年度办理结果", r, 0, (1, 0)), group, SourceCell(label, r, 2),
                     *(SourceCell(v, r, 3 + i, confidence=0.99) for i, v in enumerate(values))])
    settings = Settings()
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), Table(rows)])
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s3.refused.repeat.{key}"] for key in ("natural_person", "enterprise", "total")]
    assert [cell.value for cell in cells] == [2, 0, 2]


def _normative_docs(rows: list[list[str]]) -> list[object]:
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], *rows])])
    settings = Settings()
    mapping = map_document(Document("image", [Paragraph("二、主动公开政府信息情况"), table]),
                           load_layouts(settings.layouts_dir), settings)
    return [mapping.cells[f"s2.normative_docs.{key}"].value for key in ("issued", "repealed", "in_force")]


def test_a_labels_last_character_misread_as_a_digit_stays_in_the_label() -> None:
    # Seed 8317's fax 4: 6.属于四类过程性信息 read …信0, a value too many for its row, which was
    # lost. Its row has as many cells right of the label as the row above.
    assert _normative_docs([["规章", "1", "0", "2"], ["行政规范性文0", "4", "3", "5"]]) == [4, 3, 5]


def test_a_value_glued_to_a_label_in_a_row_a_cell_short_is_the_rows() -> None:
    # A column rule lost beside the label: its first value in the label's cell.
    assert _normative_docs([["规章", "1", "0", "2"], ["行政规范性文件4", "3", "5"]]) == [4, 3, 5]


def test_a_value_sharing_its_labels_cell_is_the_rows() -> None:
    # Seed 7474's image 9: the column rules of section 二's table lost, each row one cell
    # (行政许可0, 行政强制0) between headings that are one cell too: the digit is the row's value.
    rows = [["第二十条第（五）项"] * 2, ["信息内容本年处理决定数量"] * 2, ["行政许可5"] * 2,
            ["第二十条第（六）项"] * 2, ["信息内容本年处理决定数量"] * 2, ["行政处罚7"] * 2, ["行政强制3"] * 2,
            ["第二十条第（八）项"] * 2]
    table = Table([[SourceCell(text, r, c, origin=(r, 0), confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    settings = Settings()
    mapping = map_document(Document("image", [Paragraph("二、主动公开政府信息情况"), table]),
                           load_layouts(settings.layouts_dir), settings)
    assert [mapping.cells[f"s2.{key}.decisions"].value for key in ("licensing", "penalty", "coercion")] == [5, 7, 3]


def test_a_misread_row_beside_a_label_cell_spanning_two_groups_takes_its_row() -> None:
    # The rule between （五）不予处理 and （六）其他处理 lost: one label cell beside both groups'
    # rows, 2.重复申请 misread 2.40中请 and 3.其他 3.1他 (seed 5903's fax TIFF 6). The next
    # group's label holds 3.其他's word, 其他, and was taken for naming that row: 2.重复申请's
    # row was lost.
    head = ["三、本年度办理结果", "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    group = "（五）不予处理（六）其他处理"
    labels = ["1.信访举报投诉类申请", "2.40中请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
              "5.要求行政机关确认或重新出具已获取信息",
              "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.1他"]
    rows = [head, *([group, label, str(k), "0", "0", "0", "0", "0", str(k)] for k, label in enumerate(labels)),
            ["（七）总计", "", "28", "0", "0", "0", "0", "0", "28"]]
    table = Table([[SourceCell(text, r, c, confidence=0.99) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table,
                                  Paragraph("四、政府信息公开行政复议、行政诉讼情况")])
    settings = Settings()
    chosen = map_document(document, load_layouts(settings.layouts_dir), settings)
    mapping = next(m for m in (chosen, *chosen.others) if m.template.template == "2021")
    repeat = [mapping.cells[f"s3.refused.repeat.{c}"].value for c in ("natural_person", "enterprise", "total")]
    assert repeat == [1, 0, 1]


def test_a_label_left_as_its_ordinal_alone_is_no_value() -> None:
    # Seed 8034's fax TIFF 5: a fax left of 2.没有现成信息需要另行制作 only its "2" (the labels
    # beside section 三's grid of values, taken as its first column): a value too many, and the
    # row was lost. Its row has as many cells right of it as the rows around it.
    labels = ["（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "1.属于国家秘密",
              "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息",
              "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2",
              "3.补正后申请内容仍不明确"]
    head = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    rows = [head, *([label, str(k % 3), "0", "0", "0", "0", "0", str(k % 3)] for k, label in enumerate(labels))]
    table = Table([[SourceCell(text, r, c, confidence=0.9) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    settings = Settings()
    document = Document("image", [Paragraph("三、收到和处理政府信息公开申请情况"), table])
    mapping = map_document(document, load_layouts(settings.layouts_dir), settings)
    cells = [mapping.cells[f"s3.unable.{row}.natural_person"] for row in ("not_held", "needs_making", "unclear")]
    assert [cell.value for cell in cells] == [1, 2, 0]


def test_a_value_beside_a_headings_word_below_it_stays_a_value() -> None:
    # Seed 6262's fax 1: 第二十条第（六）项 under section 二's 其他对外管理服务事项 row, its 项 read
    # 自 in the next column, over the row's 5: a word first in no row of labels, so the 5 is no
    # label's ordinal.
    rows = [["第二十条第（五）项"] * 4, ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            ["行政许可", "2", "2", "2"], ["其他对外管理服务事项", "0", "5", "1"], ["", "第二十条第（六）", "自", ""],
            ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["行政处罚", "2", "0", "0"]]
    table = Table([[SourceCell(text, r, c, confidence=0.9) for c, text in enumerate(row)]
                   for r, row in enumerate(rows)])
    settings = Settings()
    mapping = map_document(Document("image", [Paragraph("二、主动公开政府信息情况"), table]),
                           load_layouts(settings.layouts_dir), settings)
    assert [mapping.cells[f"s2.other_services.{key}"].value for key in ("prev_items", "change", "decisions")] \
        == [0, 5, 1]
