"""docker/: the compose file names real `ingest` commands, the image has what the pipeline runs on.

Checked here by reading them; `make docker-test` builds the image and runs the stack. Run this module as a
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
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from ingest.cli import build_parser
from tests.conftest import ROOT

DOCKER = ROOT / "docker"
INGEST = Path(sys.executable).parent / "ingest"
# The build backend is not in the virtualenv (pip fetched it for the editable install).
BUILD_PINS = {"setuptools": "84.2.1"}
# Dependencies only Debian's 3.11.2 needs (a marker on python_full_version), absent from a virtualenv
# of a newer Python: pinned here so that the constraints are the same whichever Python generates them.
DEBIAN_PYTHON_PINS = {"async-timeout": "5.0.1"}  # redis: python_full_version < '3.11.3'
# Debian 12's own python3, on which the README's commands and the image install every pin.
DEBIAN_PYTHON = "3.11.2"
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
    assert {"redis", "postgres", "worker", "watcher", "api"} <= set(services)
    redis = services["redis"]
    assert "--appendonly" in redis["command"] and "yes" in redis["command"]
    redis_dir = redis["command"][redis["command"].index("--dir") + 1]
    assert any(v.split(":")[1] == redis_dir and v.split(":")[0] in data["volumes"] for v in redis["volumes"])
    assert any(v.split(":")[0] in data["volumes"] for v in services["postgres"]["volumes"])
    # Scalable: no fixed container name or host port on the worker.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    assert any(v.endswith(":/data/inbox") for v in services["watcher"]["volumes"])
    assert "INGEST_TOKEN" in services["api"]["environment"]
    for name in ("worker", "watcher", "api"):
        assert "/data/out" in {v.split(":")[1] for v in services[name]["volumes"]}, name
        assert services[name]["environment"]["INGEST_DB"].startswith("postgresql://"), name
        assert set(services[name]["depends_on"]) == {"redis", "postgres"}, name


def test_compose_file_is_one_docker_compose_1_29_reads() -> None:
    """Debian 12's docker-compose (1.29) knows no top-level `name`; only the API leaves the backend."""
    data = compose()
    assert {k for k in data if not k.startswith("x-")} <= {"version", "services", "networks", "volumes"}
    assert data["networks"]["backend"]["internal"] is True
    for name, service in data["services"].items():
        exposed = "ports" in service or "front" in service["networks"]
        assert exposed == (name == "api"), name


@pytest.mark.parametrize("service", ["worker", "watcher", "api"])
def test_every_compose_command_is_a_real_ingest_command(service: str) -> None:
    args = ingest_commands()[service]
    done = subprocess.run([str(INGEST), args[0], "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    # The whole command line parses: every option it passes exists.
    parsed = build_parser().parse_args(args)
    assert parsed.command == args[0]


def dockerfile_stages() -> list[str]:
    """The Dockerfile's stages, without comments, continued lines joined."""
    lines = (DOCKER / "Dockerfile").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("#")).replace("\\\n", " ")
    return re.split(r"^(?=FROM\s)", text, flags=re.M)[1:]


def test_dockerfile_installs_the_tools_and_runs_unprivileged() -> None:
    build, final = dockerfile_stages()
    apt = re.search(r"apt-get install([^&\n]*)", final)
    assert apt is not None
    pinned = dict(re.findall(r"([a-z0-9][a-z0-9.+-]+)=(\S+)", apt.group(1)))
    assert {*SYSTEM_PACKAGES, "python3", "postgresql-15", "redis-server"} <= set(pinned), "pinned versions"
    # Built on the base made from Debian's packages (no registry), with Debian's python3.
    for stage in (build, final):
        assert re.match(r"FROM\s+\$\{BASE_IMAGE\}", stage)
    assert "constraints.txt" in build and "pip install" in build
    assert "COPY --from=build /opt/venv" in final
    users = re.findall(r"^USER\s+(\S+)", final, re.M)
    assert users and users[-1] not in ("root", "0")


def test_the_ca_bundle_reaches_the_build_stage_only() -> None:
    build, final = dockerfile_stages()
    assert "build-ca.cr[t]" in build and "PIP_CERT" in build
    assert "build-ca" not in final and "CERT" not in final
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "!docker/build-ca.crt" in ignored and "docker/build-ca.crt" in (ROOT / ".gitignore").read_text()


def _applies(req: Requirement, extras: set[str]) -> bool:
    """Required here or on Debian 12's python3."""
    debian = {"python_full_version": DEBIAN_PYTHON, "python_version": DEBIAN_PYTHON.rsplit(".", 1)[0]}
    return req.marker is None or any(req.marker.evaluate({"extra": e, **env})
                                     for e in ("", *extras) for env in ({}, debian))


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
        except PackageNotFoundError:  # a dependency of another platform or Python
            if name in DEBIAN_PYTHON_PINS:
                found[name] = f"{name}=={DEBIAN_PYTHON_PINS[name]}"
            continue
        found[name] = f"{dist.metadata['Name']}=={dist.version}"
        todo += [sub for sub in map(Requirement, dist.requires or []) if _applies(sub, req.extras)]
    found.update({k: f"{k}=={v}" for k, v in BUILD_PINS.items()})
    return [found[k] for k in sorted(found)]


def pins() -> list[str]:
    lines = (DOCKER / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def test_constraints_pin_exactly_what_the_virtualenv_runs() -> None:
    assert pins() == expected_constraints(), "regenerate: .venv/bin/python -m tests.test_docker_files"


def test_every_pin_installs_on_debian_12s_python() -> None:
    """A version whose Requires-Python excludes 3.11.2 stops pip on a fresh Debian 12 (soupsieve 3+)."""
    too_new = []
    for pin in pins():
        name = pin.split("==")[0]
        try:
            requires = distribution(name).metadata["Requires-Python"]
        except PackageNotFoundError:  # the build backend, Debian-only pins: `make fresh-test` installs them
            continue
        if requires and not SpecifierSet(requires).contains(DEBIAN_PYTHON):
            too_new.append(f"{pin} requires Python {requires}")
    assert too_new == []


if __name__ == "__main__":
    print("# Exact versions of every runtime dependency of `ingest`, from the project's virtualenv,")
    print("# and of the build backend. Regenerate with")
    print("#   .venv/bin/python -m tests.test_docker_files > docker/constraints.txt")
    print("\n".join(expected_constraints()))
