# make setup: .venv with the project and everything it needs (idempotent; torch pinned, CPU build)
# make app:   setup, build/update the default index, start the Streamlit page
# make test:  setup, lint, type-check, run the tests (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup app index test lint fix browser ocr-tools clean readme

setup: $(STAMP) ocr-tools

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[st,dev]'
	@touch $(STAMP)

# Debian's Chromium for the real-browser test; Playwright drives it (no browser download).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: chromium could not be installed; the browser test will be skipped"; \
	  else echo "warning: no /usr/bin/chromium and not root; the browser test will be skipped"; fi; \
	fi

# Debian's Tesseract with its Vietnamese model reads scanned PDFs and images; DejaVu has the
# Vietnamese glyphs the OCR tests and benchmark render. Without them scanned pages are skipped.
OCR_PACKAGES := tesseract-ocr tesseract-ocr-vie fonts-dejavu-core
ocr-tools:
	@if ! (tesseract --list-langs 2>/dev/null | grep -qx vie) \
	    || [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(OCR_PACKAGES) >/dev/null) \
	      || echo "warning: $(OCR_PACKAGES) could not be installed; scanned pages will be skipped"; \
	  else echo "warning: no Tesseract with Vietnamese and not root; install $(OCR_PACKAGES) to read scans"; fi; \
	fi

index: setup
	$(BIN)/qa index --quiet

app: setup index
	QA_ALLOW_REBUILD=1 $(BIN)/streamlit run app.py

lint: setup
	$(BIN)/ruff check qa tests app.py
	$(BIN)/ruff format --check qa tests app.py
	$(BIN)/mypy

fix: setup
	$(BIN)/ruff check --fix qa tests app.py
	$(BIN)/ruff format qa tests app.py

test: setup browser lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

readme: setup
	$(BIN)/python -c "import re, pathlib; from qa.cli.main import help_text; p = pathlib.Path('README.md'); s = p.read_text(encoding='utf-8'); block = '\`\`\`text\n' + help_text().rstrip() + '\n\`\`\`\n'; p.write_text(re.sub(r'(<!-- cli-help[^\n]*-->\n).*?(<!-- /cli-help -->)', lambda m: m.group(1) + block + m.group(2), s, flags=re.S), encoding='utf-8')"
