"""The worst case of cutting runs of digits over a table: section 三 printed with every one
of its 26 rows glued (7 cells each, many-digit counts), through the real pipeline.

    python -m bench.cuts_worst [--tables 10] [--seed 1]

Prints per table the CPU seconds of the whole conversion and the cells of section 三 right,
flagged and silently wrong. Counts are drawn from `--values`: the wider they are, the more
cuts each row allows (the search keeps at most `cuts.max_states` states; past that it flags).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from ingest.layouts import load_layouts
from ingest.output import report_to_dict
from ingest.pipeline import convert_bytes
from ingest.settings import load_settings

_SAMPLES = Path(__file__).resolve().parent.parent / "samples"
_HEAD = "webpage_fj_pingtan_2022.txt"


def _page(rng: random.Random, values: list[int]) -> tuple[str, dict[str, int]]:
    """The real page with its section 三 replaced by one of drawn counts, every row glued."""
    layout = next(t for t in load_layouts(load_settings().layouts_dir) if t.template == "2021")
    rows = [r for r in layout.section("s3").rows if not r.deviation]
    sums = ("new", "carried_over", "total", "carried_forward")
    detail = [r.key for r in rows if r.key not in sums]
    counts = {k: [rng.choice(values) for _ in range(6)] for k in detail}
    total = [sum(counts[k][c] for k in detail) for c in range(6)]
    counts["total"] = total
    counts["carried_forward"] = [rng.choice([0, 1, 2]) for _ in range(6)]
    counts["carried_over"] = [min(rng.choice([0, 1, 3]), total[c] + counts["carried_forward"][c]) for c in range(6)]
    counts["new"] = [total[c] + counts["carried_forward"][c] - counts["carried_over"][c] for c in range(6)]
    parts, group = [], None
    for row in rows:
        if row.group and row.group != group:
            parts.append(row.group)
            group = row.group
        parts.append(row.labels[0].text + "".join(str(v) for v in counts[row.key] + [sum(counts[row.key])]))
    text = (_SAMPLES / "documents" / _HEAD).read_text(encoding="utf-8")
    start, end = text.index("一、本年新收"), text.index("四、政府信息公开行政法复议")
    truth = {f"s3.{k}.{c.key}": v for k, vs in counts.items() for c, v in zip(rows[0].columns, [*vs, sum(vs)],
                                                                                   strict=True)}
    return text[:start] + "".join(parts) + text[end:], truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cuts_worst", description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--values", default="0,1,2,3,5,8,12,15,21,34,55,89,102,250",
                        help="the counts cells are drawn from")
    args = parser.parse_args(argv)
    values = [int(v) for v in args.values.split(",")]
    settings = load_settings()
    print(f"{'table':>5} {'cpu s':>6} {'cells':>6} {'right':>6} {'flagged':>7} {'silent':>6}")
    for i in range(args.tables):
        page, truth = _page(random.Random(args.seed * 1000 + i), values)
        started = time.process_time()
        result = report_to_dict(convert_bytes(page.encode(), f"worst-{i}.txt", settings))
        cpu = time.process_time() - started
        cells = result["cells"]
        right = sum(cells[k]["value"] == v for k, v in truth.items())
        flagged = sum(cells[k]["review"] for k in truth)
        silent = sum(cells[k]["value"] != v and not cells[k]["review"] for k, v in truth.items())
        print(f"{i:>5} {cpu:>6.2f} {len(truth):>6} {right:>6} {flagged:>7} {silent:>6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
