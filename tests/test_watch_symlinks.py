"""Issue 14: a symbolic link dropped into the watched folder is never followed: it is filed under
failed/ with the reason, and nothing it points to reaches the store."""

from __future__ import annotations

from pathlib import Path

from bench.redis_server import free_port
from tests.test_watch_writers import settle, watcher_of


def test_a_symlink_is_filed_as_failed_and_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the store", encoding="utf-8")
    watcher = watcher_of(tmp_path, f"redis://127.0.0.1:{free_port()}/0")  # no Redis needed: nothing is submitted
    (watcher.folder / "link.txt").symlink_to(secret)
    settle(watcher)
    settle(watcher)
    filed = watcher.folder / "failed" / "link.txt"
    assert filed.is_symlink()
    assert (watcher.folder / "failed" / "link.txt.error.txt").read_text(encoding="utf-8").startswith("symbolic_link:")
    assert not (tmp_path / "out" / ".store").exists() or not list((tmp_path / "out" / ".store").rglob("*"))
    assert watcher.outage is None
