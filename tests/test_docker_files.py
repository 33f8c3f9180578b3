"""docker/: the compose file names real `ingest` commands, the image has what the pipeline runs on.

No Docker engine runs here, so the files are checked by reading them. Run this module as a
script (`.venv/bin/python -m tests.test_docker_files`) to print a fresh docker/constraints.txt.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ingest.cli import build_parser
from tests.conftest import ROOT

DOCKER = ROOT / "docker"
INGEST = Path(sys.executable).parent / "ingest"
# The build backend is not in the virtualenv (pip fetched it for the editable install).
BUILD_PINS = {"setuptools": "84.2.1"}
SYSTEM_PACKAGES = ["tesseract-ocr", "tesseract-ocr-chi-sim", "libreoffice-writer-nogui", "fonts-noto-cjk"]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DOCKER / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def _interpolate(word: str) -> str:
    """`${VAR:-default}` as compose expands it when VAR is unset."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", word)


def ingest_commands() -> dict[str, list[str]]:
    """service -> its `ingest` command line (arguments after `ingest`), defaults filled in."""
    out = {}
    for name, service in compose()["services"].items():
        command = service.get("command")
        if isinstance(command, list) and command and command[0] == "ingest":
            out[name] = [_interpolate(str(word)) for word in command[1:]]
    return out


def test_compose_has_the_services_with_their_volumes() -> None:
    data = compose()
    services = data["services"]
    assert {"redis", "worker", "watcher", "web"} <= set(services)
    redis = services["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    redis_dir = redis["command"][redis["command"].index("--dir") + 1]
    assert any(v.split(":")[1] == redis_dir and v.split(":")[0] in data["volumes"] for v in redis["volumes"])
    # Scalable: no fixed container name or host port on the worker.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    assert any(v.endswith(":/data/inbox") for v in services["watcher"]["volumes"])
    assert "INGEST_TOKEN" in services["web"]["environment"]
    for name in ("worker", "watcher", "web"):
        assert "/data/out" in {v.split(":")[1] for v in services[name]["volumes"]}, name


@pytest.mark.parametrize("service", ["worker", "watcher", "web"])
def test_every_compose_command_is_a_real_ingest_command(service: str) -> None:
    args = ingest_commands()[service]
    done = subprocess.run([str(INGEST), args[0], "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The whole command line parses: every option it passes exists.
    parsed = build_parser().parse_args(args)
    assert parsed.command == args[0]


def dockerfile() -> str:
    """The Dockerfile without comments, continued lines joined."""
    lines = (DOCKER / "Dockerfile").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#")).replace("\\\n", " ")


def test_dockerfile_installs_the_tools_and_runs_unprivileged() -> None:
    text = dockerfile()
    apt = re.search(r"apt-get install([^&\n]*)", text)
    assert apt is not None
    pinned = dict(re.findall(r"([a-z0-9][a-z0-9.+-]+)=(\S+)", apt.group(1)))
    assert set(SYSTEM_PACKAGES) <= set(pinned), "every system package installed, at a pinned version"
    base = re.search(r"^FROM\s+(\S+)", text, re.M)
    assert base is not None and ":" in base.group(1) and not base.group(1).endswith(":latest")
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    assert "constraints.txt" in text and "pip install" in text


def _applies(req: Requirement, extras: set[str]) -> bool:
    return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", *extras))


def expected_constraints() -> list[str]:
    """`name==version` of every runtime dependency of `ingest` (transitively) in this virtualenv."""
    found: dict[str, str] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    todo = [r for r in map(Requirement, distribution("ingest").requires or []) if _applies(r, set())]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if (name, frozenset(req.extras)) in visited:
            continue
        visited.add((name, frozenset(req.extras)))
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:  # a dependency of another platform
            continue
        found[name] = f"{dist.metadata['Name']}=={dist.version}"
        todo += [sub for sub in map(Requirement, dist.requires or []) if _applies(sub, req.extras)]
    found.update({k: f"{k}=={v}" for k, v in BUILD_PINS.items()})
    return [found[k] for k in sorted(found)]


def test_constraints_pin_exactly_what_the_virtualenv_runs() -> None:
    lines = (DOCKER / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]
    assert pins == expected_constraints(), "regenerate: .venv/bin/python -m tests.test_docker_files"


if __name__ == "__main__":
    print("# Exact versions of every runtime dependency of `ingest`, from the project's virtualenv,")
    print("# and of the build backend. Regenerate with")
    print("#   .venv/bin/python -m tests.test_docker_files > docker/constraints.txt")
    print("\n".join(expected_constraints()))
