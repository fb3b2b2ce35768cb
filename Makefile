# Two commands set everything up on a fresh machine (Debian, root or sudo):
#   make conform   run the conformance suite (both implementations, every fixture)
#   make test      run every test (Python, R, R CMD check)
# Other targets: make fixtures | make generate | make bench | make demo-hamlet | make demo-reuters | make lint | make setup | make clean

SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
BIN   := $(VENV)/bin
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
R_DEBS := r-base-core r-base-dev r-cran-jsonlite r-cran-testthat libopenblas0-pthread \
          r-cran-roxygen2 r-cran-lintr r-cran-janeaustenr
STAMP := .make

.PHONY: conform test setup fixtures fixtures-check generate bench bench-quick lint test-python test-r r-check clean \
        demo-hamlet demo-hamlet-r demo-reuters demo-reuters-r demo-austen demo-austen-r mutants

conform: setup
	$(BIN)/lstmparity conform

test: setup lint test-python test-r r-check

setup: $(STAMP)/r-deps $(STAMP)/venv

# Debian's R (CRAN itself is not reachable; Debian's r-cran-* packages are).
# libopenblas0-pthread makes R use OpenBLAS instead of the ~12x slower reference BLAS.
# roxygen2 (man/ from the sources; tests/testthat/test-man.R) and lintr (make lint) are for development only.
$(STAMP)/r-deps: Makefile
	@if command -v Rscript >/dev/null && dpkg -s $(R_DEBS) >/dev/null 2>&1; then \
	  echo "R and its packages are installed"; \
	else \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(R_DEBS); \
	fi
	@mkdir -p $(STAMP) && touch $@

# rpy2 must be >=3.5.13,<3.6 for Debian's R 4.2 (3.6 fails: undefined symbol R_getVar);
# it builds against R, so R comes first. torch==2.13.0 is the CPU build on local disk.
$(STAMP)/venv: pyproject.toml Makefile $(STAMP)/r-deps
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all,r,dev,torch,onnx]'
	@mkdir -p $(STAMP) && touch $@

fixtures: setup
	$(BIN)/lstmparity fixtures

fixtures-check: setup
	$(BIN)/lstmparity fixtures --check

# files generated from spec/tensors.json (package copies, schema parts, docs tables)
generate: setup
	$(PY) -m lstmparity.suite.generate

lint: setup
	$(BIN)/ruff check python conformance tests bench examples
	Rscript tests/lint_r.R

test-python: setup
	$(BIN)/pytest -q

test-r: setup
	Rscript -e 'res <- testthat::test_local(".", reporter = "summary", stop_on_failure = TRUE)'

r-check: setup
	bash tests/r_cmd_check.sh

bench: setup
	$(BIN)/lstmparity bench

bench-quick: setup
	$(BIN)/lstmparity bench --quick

mutants: setup
	$(BIN)/lstmparity conform --mutants

# The two learning demos, in each language (docs/training.md).
demo-hamlet: setup
	$(BIN)/lstmparity train hamlet

demo-hamlet-r: setup
	OPENBLAS_NUM_THREADS=1 R_GC_MEM_GROW=3 Rscript examples/hamlet.R

demo-reuters: setup
	$(BIN)/lstmparity train reuters

demo-reuters-r: setup
	OPENBLAS_NUM_THREADS=1 R_GC_MEM_GROW=3 Rscript examples/reuters.R

# The real-corpus table (docs/training.md): Austen sentences, 5 seeds; ours, torch, bag of words.
demo-austen: setup
	OPENBLAS_NUM_THREADS=1 $(PY) examples/austen.py

demo-austen-r: setup
	OPENBLAS_NUM_THREADS=1 R_GC_MEM_GROW=3 Rscript examples/austen.R

clean:
	rm -rf $(STAMP) $(VENV) *.tar.gz lstmparity.Rcheck
