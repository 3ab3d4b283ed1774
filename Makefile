# h2wire developer commands.  Everything installs itself into .venv.
#   make build        sdist, pure-Python wheel, compiled wheels (3.11 here; 3.13 and
#                     3.14 in Debian root file systems, as root) in dist/
#   make test         lint, docs, the suite interpreted, compiled build, the suite compiled
#   make test-matrix  the suite under CPython 3.13 and 3.14 and PyPy 3.11 (as root)
#   make docs         the documentation site (Sphinx) in .build/docs/

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

.PHONY: all venv lint docs test test-interpreted test-compiled compiled-install external build bench bench-threshold bench-real fuzz demo interop-peers test-matrix clean

all: test

$(STAMP): requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# The documentation's tools, pinned in docs/requirements.txt, go into the same
# venv; requirements-dev.txt constrains them, so no development pin moves.
DOCS_STAMP := $(VENV)/.docs-installed
$(DOCS_STAMP): $(STAMP) docs/requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r docs/requirements.txt \
		-c requirements-dev.txt
	touch $@

$(EXTERNAL)/.ready: $(STAMP) tests/vectors/http2-frame-test-case/LICENSE
	rm -rf $(EXTERNAL) && mkdir -p $(EXTERNAL)
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
		--dest $(EXTERNAL) $(EXTERNAL_SDISTS)
	cd $(EXTERNAL) && for f in *.tar.gz; do tar xzf "$$f"; done
	cp -r tests/vectors/http2-frame-test-case $(EXTERNAL)/hyperframe-6.1.0/tests/
	touch $@

external: $(EXTERNAL)/.ready

CI_SCRIPTS := .ci/wheel_check.py .ci/matrix_summary.py
lint: $(STAMP)
	$(VENV)/bin/ruff check h2wire tests bench fuzz docs/conf.py setup.py $(CI_SCRIPTS)
	$(VENV)/bin/ruff format --check h2wire tests bench fuzz docs/conf.py setup.py $(CI_SCRIPTS)
	$(VENV)/bin/mypy --strict h2wire tests fuzz bench $(CI_SCRIPTS)

# The documentation (docs/*.md, API reference from the docstrings of the
# checkout's sources), built from scratch: warnings are errors, and every
# cross-reference must resolve (-n).
docs: $(DOCS_STAMP)
	rm -rf .build/docs
	$(VENV)/bin/sphinx-build -W --keep-going -n -q -b html docs .build/docs

# Interpreted: the .py sources of this checkout come first on sys.path.
# Real peers for the interop tests (tests/test_interop.py, tests/test_browser.py):
# Debian's nghttpd, nghttp and h2load, curl, openssl (test certificates) and
# chromium (headless).  Installed when missing (CI runs as root).
INTEROP_COMMANDS := nghttpd nghttp h2load curl openssl chromium
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
FUZZ_TARGETS := parse_frame decoder lenient guards hyperframe watch records
fuzz: compiled-install
	@for target in $(FUZZ_TARGETS); do \
		PYTHONPATH=$(CURDIR) $(PY) fuzz/run.py $$target $(FUZZ_SECONDS) 2>&1 \
			| grep -E "^fuzzing|^Done|exec_per_sec|ERROR|Error|Traceback" || exit 1; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
		$(PY) -P fuzz/run.py $$target $(FUZZ_SECONDS) 2>&1 \
			| grep -E "^fuzzing|^Done|exec_per_sec|ERROR|Error|Traceback" || exit 1; \
		test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

test: lint docs test-interpreted test-compiled
	$(MAKE) fuzz FUZZ_SECONDS=30

# Benchmarks against hyperframe 6.1.0 (not part of make test: nothing asserts a
# timing).  Updates bench/results/ and the table in docs/performance.md.
BENCH_ARGS ?= --rounds 7 --update-docs
bench: compiled-install
	$(PY) bench/run.py $(BENCH_ARGS)

# Where the vectored writers stop copying (COALESCE_BELOW in h2wire/encoder.py):
# writes bench/results/threshold.md.
bench-threshold: compiled-install
	$(PY) -P bench/threshold.py

# The numbers users feel: hypercorn under h2load, httpx from nghttpd, each with
# and without h2wire.hyperframe.install() (bench/real/run.py).  Not part of
# make test.  hypercorn and httpx are pinned in requirements-dev.txt; h2load
# and nghttpd come with interop-peers.
BENCH_REAL_ARGS ?= --rounds 5 --update-docs
bench-real: compiled-install interop-peers
	$(PY) bench/real/run.py $(BENCH_REAL_ARGS)

# The sdist, then the compiled wheel built from it and repaired by auditwheel to a
# manylinux tag (auditwheel show says which glibc symbol versions decide it), the pure
# wheel, and the compiled wheels of the matrix's CPythons, built in their root file
# systems from the same sdist (.ci/matrix.sh wheels: needs root; MATRIX_WHEELS=0 skips
# them).  twine checks every file's metadata and that the long description renders.
RAW_WHEELS := .build/raw-wheels
MATRIX_WHEELS ?= 1
build: $(STAMP)
	rm -rf build h2wire.egg-info dist $(RAW_WHEELS)
	$(PY) -m build --no-isolation --outdir $(RAW_WHEELS) .
	mkdir -p dist && mv $(RAW_WHEELS)/h2wire-*.tar.gz dist/
	$(VENV)/bin/auditwheel show $(RAW_WHEELS)/h2wire-*.whl
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/auditwheel repair --wheel-dir dist \
		$(RAW_WHEELS)/h2wire-*.whl
	rm -rf build h2wire.egg-info
	H2WIRE_PURE=1 $(PY) -m build --no-isolation --wheel --outdir dist .
	rm -rf build h2wire.egg-info
	$(if $(filter 1,$(MATRIX_WHEELS)),.ci/matrix.sh wheels)
	$(VENV)/bin/twine check --strict dist/*
	ls -l dist

# CPython 3.13 and PyPy 3.11 (Debian trixie) and CPython 3.14 (sid) in root file systems
# that debootstrap makes under .build/roots (on first use; needs root): the suite in each
# mode with its guard, a short fuzz pass where atheris installs, and every wheel of
# dist/ installed into a clean venv of its interpreter to run the README's examples and
# the h2wire command (the host's 3.11 wheels too).  Details in .ci/matrix.sh.
test-matrix: build $(EXTERNAL)/.ready
	.ci/matrix.sh test

# .build includes the root file systems of make test-matrix: refuse while anything is
# mounted in them (and never cross into a mount).
clean:
	@! grep -q " $(CURDIR)/.build/roots/" /proc/self/mounts \
		|| (echo "something is mounted under .build/roots: not removing .build"; exit 1)
	rm -rf --one-file-system build dist .build .build-compiled.log h2wire.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -name '__pycache__' -prune -exec rm -rf {} +
	find h2wire -name '*.so' -delete

distclean: clean
	rm -rf $(VENV)
