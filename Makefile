# The two commands of the README: `make demo` and `make test`.
VENV := .venv
PYTHON ?= python3

.PHONY: demo test bench system lint other-faces fresh-test docker-test

demo: system $(VENV)/.installed
	@mkdir -p out
	$(VENV)/bin/ingest run samples/documents --out out/samples || [ $$? -eq 1 ]
	@echo "results: out/samples/*.json"

test: system $(VENV)/.installed-dev lint
	$(VENV)/bin/pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check ingest workers tests bench
	$(VENV)/bin/mypy

bench: $(VENV)/.installed-dev
	$(VENV)/bin/python -m bench --n 20

system:
	@scripts/install-system-packages.sh

# The CJK faces other than Noto that `python -m bench.corpus --faces other` prints reports in.
other-faces:
	@scripts/install-system-packages.sh fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei

# Slow checks outside `make test`, as root with Debian's Docker engine (installed and started if missing).
# The README's two commands in a fresh Debian 12 container (debootstrap minbase, Debian's python3):
fresh-test:
	scripts/fresh-debian-test.sh

# The image and the compose stack built and run: files dropped into the inbox, results fetched over HTTP.
docker-test: $(VENV)/.installed-dev
	scripts/docker-test.sh

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

# Runtime dependencies at the exact versions of docker/constraints.txt (the same as the image).
# The package's bytecode compiled as pip compiles an installed package's (an editable install's is
# not, and with PYTHONDONTWRITEBYTECODE set every `ingest run` compiled it again: 0.13 CPU s).
$(VENV)/.installed: pyproject.toml docker/constraints.txt $(VENV)/bin/python
	PIP_CONSTRAINT=docker/constraints.txt $(VENV)/bin/pip install -q -e .
	$(VENV)/bin/python -m compileall -q ingest workers
	@touch $@

$(VENV)/.installed-dev: pyproject.toml docker/constraints.txt $(VENV)/bin/python
	PIP_CONSTRAINT=docker/constraints.txt $(VENV)/bin/pip install -q -e '.[dev]'
	$(VENV)/bin/python -m compileall -q ingest workers
	@touch $@ $(VENV)/.installed
