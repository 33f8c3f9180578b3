"""`ingest stats`: per year and template counts and request totals, and a plot with its Chinese labels drawn."""

from __future__ import annotations

import json
import warnings
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation
from PIL import Image

from ingest.cli import main
from ingest.export import Result, read_results
from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes, convert_file
from ingest.settings import Settings
from ingest.stats import format_summary, plot_requests, requests_figure, requests_per_report, summarize
from tests.conftest import SEEDS, truth_of


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """The seeds' results, one of them also reviewed (s3.new.total corrected by +5), and one failure."""
    folder = tmp_path_factory.mktemp("results")
    for seed in SEEDS:
        data = report_to_dict(convert_file(seed, settings))
        (folder / f"{seed.stem}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    reviewed = json.loads((folder / f"{SEEDS[0].stem}.json").read_text(encoding="utf-8"))
    cell = reviewed["cells"]["s3.new.total"]
    cell.update({"read_value": cell["value"], "value": cell["value"] + 5, "reviewed": True})
    reviewed["source"]["file"] = "reviewed.txt"
    (folder / "reviewed.json").write_text(json.dumps(reviewed, ensure_ascii=False), encoding="utf-8")
    junk = report_to_dict(convert_bytes(b"no report here", "junk.txt", settings))
    (folder / "junk.json").write_text(json.dumps(junk, ensure_ascii=False), encoding="utf-8")
    return folder


def truth_total(pattern: str, truths: list[dict[str, Any]]) -> int:
    return sum(v for t in truths for k, v in t["cells"].items() if fnmatchcase(k, pattern) and v is not None)


def test_totals_per_year_and_template_match_the_truth(out_dir: Path) -> None:
    truths = [truth_of(seed) for seed in SEEDS]
    summary = summarize(read_results(out_dir))
    for (year, template), group in summary.groups.items():
        mine = [t for t in truths if (t["year"], t["template"]) == (year, template)]
        # The reviewed copy is seed 0 again, with its correction.
        extra = [truths[0]] if (truths[0]["year"], truths[0]["template"]) == (year, template) else []
        assert group["reports"] == len(mine) + len(extra)
        assert group["received"] == truth_total("s3.new.total", mine + extra) + (5 if extra else 0)
        assert group["granted"] == truth_total("s3.granted.total", mine + extra)
        assert group["denied"] == truth_total("s3.denied.*.total", mine + extra)
    assert sum(g["reports"] for g in summary.groups.values()) == len(SEEDS) + 1
    assert summary.errors == {"not_a_report": 1}
    assert summary.total()["reports"] == len(SEEDS) + 1


def test_the_table_reads_in_a_terminal(out_dir: Path) -> None:
    text = format_summary(summarize(read_results(out_dir)))
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["year", "template", "reports"]
    assert any(line.startswith("2023  2019") for line in lines)
    assert any(line.startswith("all") for line in lines)
    assert "failed reports: 1 (not_a_report 1)" in text
    # Every line of the table has the header's width.
    table = lines[: next(i for i, line in enumerate(lines) if line.startswith("all")) + 1]
    assert len({len(line) for line in table}) == 1
    assert "findings: " in text and "template_outdated 1" in text


def test_plot_draws_every_report_with_its_chinese_name(out_dir: Path, tmp_path: Path) -> None:
    results: list[Result] = read_results(out_dir)
    names = [name for name, _ in requests_per_report(results)]
    assert any("郭扶镇" in name for name in names)
    target = tmp_path / "requests.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert plot_requests(results, target) == len(SEEDS) + 1
    assert not [w for w in caught if "missing from font" in str(w.message)]  # no tofu boxes
    with Image.open(target) as image:
        assert image.format == "PNG" and image.width > 1000


def test_cli_stats(out_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(out_dir), "--plot", str(tmp_path / "p.png")]) == 0
    assert "received" in capsys.readouterr().out
    assert (tmp_path / "p.png").stat().st_size > 0
    assert main(["stats", str(tmp_path / "missing")]) == 2


def test_reports_sharing_agency_and_year_get_a_bar_each_labelled_on_it(out_dir: Path) -> None:
    pairs = requests_per_report(read_results(out_dir))
    names = [name for name, _ in pairs]
    assert len(set(names)) == len(names) == len(SEEDS) + 1  # seed 0 and its reviewed copy share agency and year
    assert any(name.endswith("· reviewed.txt") for name in names)
    figure = requests_figure(pairs)
    bars = figure.axes[1]
    patches = list(bars.patches)
    assert len(patches) == len(pairs)
    assert len(bars.texts) == len(patches)
    for patch, label in zip(patches, bars.texts, strict=True):
        assert isinstance(patch, Rectangle) and isinstance(label, Annotation)
        width, middle = patch.get_width(), patch.get_y() + patch.get_height() / 2
        assert label.get_text() == f"{int(width):,}"
        assert label.xy == pytest.approx((width, middle))
    assert [t.get_text() for t in bars.get_yticklabels()] == [name for name, _ in pairs][::-1]
