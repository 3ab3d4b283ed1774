# h2wire developer commands.  Everything installs itself into .venv.
#   make build   sdist + compiled wheel + pure-Python wheel in dist/
#   make test    lint, the suite interpreted, compiled build, the suite compiled

SHELL := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.dev-installed
WHEELHOUSE := .build/wheelhouse
PYTEST_ARGS ?=
# hyperframe's and h2's own test suites (sdists, pinned), run against install().
EXTERNAL := .build/external
EXTERNAL_SDISTS := hyperframe==6.1.0 h2==4.4.1

.PHONY: all venv lint test test-interpreted test-compiled compiled-install external build bench fuzz demo interop-peers clean

all: test

$(STAMP): requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

$(EXTERNAL)/.ready: $(STAMP) tests/vectors/http2-frame-test-case/LICENSE
	rm -rf $(EXTERNAL) && mkdir -p $(EXTERNAL)
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
		--dest $(EXTERNAL) $(EXTERNAL_SDISTS)
	cd $(EXTERNAL) && for f in *.tar.gz; do tar xzf "$$f"; done
	cp -r tests/vectors/http2-frame-test-case $(EXTERNAL)/hyperframe-6.1.0/tests/
	touch $@

external: $(EXTERNAL)/.ready

lint: $(STAMP)
	$(VENV)/bin/ruff check h2wire tests bench fuzz setup.py
	$(VENV)/bin/ruff format --check h2wire tests bench fuzz setup.py
	$(VENV)/bin/mypy --strict h2wire tests fuzz bench

# Interpreted: the .py sources of this checkout come first on sys.path.
# Real peers for the interop tests (tests/test_interop.py, tests/test_browser.py):
# Debian's nghttpd, nghttp and h2load, curl, openssl (test certificates) and
# chromium (headless).  Installed when missing (CI runs as root).
INTEROP_COMMANDS := nghttpd nghttp curl openssl chromium
INTEROP_PACKAGES := nghttp2-server nghttp2-client curl openssl chromium
interop-peers:
	@for c in $(INTEROP_COMMANDS); do command -v $$c >/dev/null || exit 1; done \
		|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			$(INTEROP_PACKAGES) >/dev/null) \
		|| echo "could not install $(INTEROP_PACKAGES): the interop tests will fail"

# The first command of the README: decode a capture of real traffic with the
# installed h2wire command and its extra (header fields: hpack).
demo: compiled-install
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(ls $(WHEELHOUSE)/h2wire-*.whl)[cli]"
	$(VENV)/bin/h2wire decode examples/curl-h2c-client.bin
	$(VENV)/bin/h2wire decode examples/curl-h2c-server.bin

# Interpreted, under branch coverage: below 100% fails (see [tool.coverage] in pyproject);
# not for partial runs (PYTEST_ARGS set).
test-interpreted: $(STAMP) $(EXTERNAL)/.ready interop-peers
	H2WIRE_EXPECT=interpreted PYTHONPATH=$(CURDIR) $(PY) -m coverage run -m pytest $(PYTEST_ARGS)
	$(PY) -m coverage report $(if $(PYTEST_ARGS),--fail-under=0)

# Compiled: build the mypyc wheel and install it into the venv.
compiled-install: $(STAMP)
	rm -rf build h2wire.egg-info $(WHEELHOUSE)
	$(PY) -m build --no-isolation --wheel --outdir $(WHEELHOUSE) . > .build-compiled.log 2>&1 \
		|| (tail -n 40 .build-compiled.log; exit 1)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall \
		$(WHEELHOUSE)/h2wire-*.whl

# -P keeps the checkout off sys.path, so the installed extension modules load;
# the conftest guard fails the run if any h2wire module is not compiled.
test-compiled: compiled-install $(EXTERNAL)/.ready interop-peers
	H2WIRE_EXPECT=compiled $(PY) -P -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# Coverage-guided fuzzing (atheris) of each target, interpreted then compiled.
# A finding stops the run; its input is in .build/fuzz/crashes/.
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := parse_frame decoder hyperframe watch
fuzz: compiled-install
	@for target in $(FUZZ_TARGETS); do \
		PYTHONPATH=$(CURDIR) $(PY) fuzz/run.py $$target $(FUZZ_SECONDS) 2>&1 \
			| grep -E "^fuzzing|^Done|exec_per_sec|ERROR|Error|Traceback" || exit 1; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
		$(PY) -P fuzz/run.py $$target $(FUZZ_SECONDS) 2>&1 \
			| grep -E "^fuzzing|^Done|exec_per_sec|ERROR|Error|Traceback" || exit 1; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

test: lint test-interpreted test-compiled
	$(MAKE) fuzz FUZZ_SECONDS=30

# Benchmarks against hyperframe 6.1.0 (not part of make test: nothing asserts a
# timing).  Updates bench/results/ and the table in README.md.
BENCH_ARGS ?= --rounds 7 --update-readme
bench: compiled-install
	$(PY) bench/run.py $(BENCH_ARGS)

build: $(STAMP)
	rm -rf build h2wire.egg-info dist
	$(PY) -m build --no-isolation --outdir dist .
	rm -rf build h2wire.egg-info
	H2WIRE_PURE=1 $(PY) -m build --no-isolation --wheel --outdir dist .
	rm -rf build h2wire.egg-info
	ls -l dist

clean:
	rm -rf build dist .build .build-compiled.log h2wire.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name '__pycache__' -prune -exec rm -rf {} +
	find h2wire -name '*.so' -delete

distclean: clean
	rm -rf $(VENV)
