"""Label cores (ingest/labels.py): what label matching compares."""

from __future__ import annotations

from ingest.labels import label_core


def test_traditional_forms_read_from_a_faded_serif_face_match_the_templates_labels() -> None:
    # Seed 929's faxes: OCR read parts of the labels in traditional forms.
    assert label_core("信息內容") == label_core("信息内容")
    assert label_core("（六）行政強制") == label_core("行政强制")
    assert label_core("本年制发件數") == label_core("本年制发件数")


def test_simplified_labels_are_left_as_they_are() -> None:
    assert label_core("1.属于国家秘密") == "属于国家秘密"
