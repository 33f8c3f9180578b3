"""`make docker-test`'s check of the running compose stack (scripts/docker-test.sh starts and stops it).

Drops the committed samples and N generated text reports into the watched inbox, uploads one more
with `POST /jobs`, and fetches every result over HTTP by its sha256. Each must be a report (no error
JSON) with no wrong cell left unflagged, against its truth. Prints the time from the first file to
the last result and the throughput. The review pages must be served too.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.throughput import make_reports
from bench.truth import make_truth
from tests.conftest import SAMPLES, same_value, truth_of

POLL_SECONDS = 1.0


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems(result: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """What is wrong with one fetched result: an error JSON, or a cell whose value is not the printed one
    and that is not flagged for review."""
    if "error" in result:
        return [f"error {result['error'].get('code')}: {result['error'].get('message')}"]
    cells = result.get("cells", {})
    return [f"{key}: {cells.get(key, {}).get('value')!r} printed {printed!r}, not flagged"
            for key, printed in truth["cells"].items()
            if not same_value(cells.get(key, {}).get("value"), printed) and not cells.get(key, {}).get("review", True)]


def wait_healthy(client: httpx.Client, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the API did not answer /health within {timeout:.0f} s")
        time.sleep(POLL_SECONDS)


def check_review_pages(client: httpx.Client) -> None:
    """The review pages' template and assets are in the image (package data of a non-editable install)."""
    for path in ("/review/login", "/review/static/review.css"):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code} {response.text[:200]}")


def fetch_all(client: httpx.Client, wanted: dict[str, Path], timeout: float) -> dict[str, dict[str, Any]]:
    """sha256 -> report JSON, polling `GET /reports/{sha256}` until every one is final."""
    results: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    while len(results) < len(wanted):
        for sha in wanted.keys() - results.keys():
            response = client.get(f"/reports/{sha}")
            if response.status_code == 200:
                results[sha] = response.json()
            elif response.status_code not in (404, 409):  # not seen yet, not converted yet
                raise SystemExit(f"GET /reports/{sha} ({wanted[sha].name}): {response.status_code} {response.text}")
        if time.monotonic() > deadline:
            missing = sorted(wanted[s].name for s in wanted.keys() - results.keys())
            raise SystemExit(f"no result within {timeout:.0f} s for {len(missing)} files: {missing}")
        time.sleep(POLL_SECONDS)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.docker_stack", description=__doc__)
    parser.add_argument("--url", required=True, help="the API, e.g. http://127.0.0.1:8000")
    parser.add_argument("--token", required=True)
    parser.add_argument("--inbox", type=Path, required=True, help="the host folder the watcher watches")
    parser.add_argument("--n", type=int, default=24, help="generated text reports besides the samples")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    headers = {"Authorization": f"Bearer {args.token}"}
    with tempfile.TemporaryDirectory(prefix="ingest-docker-") as tmp, \
            httpx.Client(base_url=args.url, headers=headers, timeout=60) as client:
        wait_healthy(client, 120)
        check_review_pages(client)
        generated = make_reports(Path(tmp), args.n + 1)
        truths = {p: make_truth(seed).to_json() for seed, p in enumerate(generated)}
        samples = sorted((SAMPLES / "documents").iterdir())
        truths |= {p: truth_of(p) for p in samples}
        upload, dropped = generated[0], [*samples, *generated[1:]]
        wanted = {_sha256(p): p for p in [upload, *dropped]}

        started = time.monotonic()
        with upload.open("rb") as f:
            posted = client.post("/jobs", files={"file": (upload.name, f)})
        if posted.status_code not in (200, 201, 202):
            raise SystemExit(f"POST /jobs: {posted.status_code} {posted.text}")
        for path in dropped:
            shutil.copy(path, args.inbox / path.name)
        results = fetch_all(client, wanted, args.timeout)
        seconds = time.monotonic() - started

    failures = [f"{wanted[sha].name}: {p}" for sha, result in results.items()
                for p in problems(result, truths[wanted[sha]])]
    pages = sum(int(r.get("source", {}).get("pages") or 1) for r in results.values())
    print(f"{len(results)} documents ({len(samples)} samples of every format, {len(generated)} generated text "
          f"reports; 1 by POST /jobs, {len(dropped)} through the inbox), {pages} pages: every result fetched "
          f"over HTTP in {seconds:.1f} s, {60 * len(results) / seconds:.1f} documents/min")
    if failures:
        print("\n".join(["results that are wrong:", *failures]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
