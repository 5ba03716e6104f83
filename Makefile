# Ratsgraph developer commands. Every target creates/uses .venv by itself.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
STORE   ?= ratsgraph-data

.PHONY: demo test test-heavy lint eval bench bench-quick clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip>=25.1"
	$(BIN)/python -m pip install -q -e . --group dev
	touch $(STAMP)

demo: $(STAMP)
	rm -rf exports/demo-store
	$(BIN)/kg ingest examples/ --store exports/demo-store
	$(BIN)/kg stats --store exports/demo-store
	$(BIN)/kg export --format ttl -o exports/demo.ttl --store exports/demo-store
	$(BIN)/kg export --format trig -o exports/demo.trig --store exports/demo-store
	$(BIN)/kg export --format jsonld -o exports/demo.jsonld --store exports/demo-store
	$(BIN)/kg viz --view all -o exports/demo-network.html --store exports/demo-store
	@echo ""
	@echo "Demo store:    exports/demo-store"
	@echo "Exports:       exports/demo.ttl exports/demo.trig exports/demo.jsonld"
	@echo "Network view:  exports/demo-network.html (open it in a browser)"

test: $(STAMP)
	$(BIN)/python -m pytest

test-heavy: $(STAMP)
	$(BIN)/python -m pytest -m heavy

lint: $(STAMP)
	$(BIN)/ruff check kg tests bench
	$(BIN)/ruff format --check kg tests bench
	$(BIN)/mypy

eval: $(STAMP)
	$(BIN)/kg eval tests/gold
	$(BIN)/kg eval tests/heldout --corpus tests/heldout
	$(BIN)/kg eval tests/heldout2 --corpus tests/heldout2
	$(BIN)/kg eval tests/heldout3 --corpus tests/heldout3
	$(BIN)/kg eval tests/heldout4 --corpus tests/heldout4
	$(BIN)/kg eval tests/heldout5 --corpus tests/heldout5
	$(BIN)/kg eval tests/heldout6 --corpus tests/heldout6
	$(BIN)/kg eval tests/heldout7 --corpus tests/heldout7
	$(BIN)/kg eval tests/heldout8 --corpus tests/heldout8
	$(BIN)/kg eval tests/heldout9 --corpus tests/heldout9

bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) ratsgraph-data exports/demo-store
