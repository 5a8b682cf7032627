# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-pg lint setup system-deps pdf-deps static messages clean

setup: $(BIN)/.installed static/vendor/.copied

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages come from the npm registry and are served from our own static files (no CDN).
static/vendor/.copied: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp -r node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	mkdir -p staticfiles
	touch $@

run: setup pdf-deps
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) demo --if-empty
	$(MANAGE) runserver 127.0.0.1:8000

# Browser tests need Debian's chromium; PDFs (WeasyPrint) need Pango and a CJK font. Installed when
# missing and root.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'cjk\|wenquanyi' \
	    || ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "需要 $(SYSTEM_PACKAGES)：请以 root 运行或先安装 (apt-get install $(SYSTEM_PACKAGES))"; exit 1; fi; \
	fi

# PDF reports need Pango and a CJK font: installed when missing and root; otherwise a warning, and every
# page but the PDF export works.
PDF_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
pdf-deps:
	@if ! fc-list 2>/dev/null | grep -qi 'cjk\|wenquanyi' || ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
	  else echo "提示：导出 PDF 需要 $(PDF_PACKAGES)（apt-get install $(PDF_PACKAGES)）"; fi; \
	fi

test: setup system-deps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The same suite against PostgreSQL 15 on 127.0.0.1:5432 (started and prepared by scripts/pg-setup.sh).
PG_URL ?= postgres://qiangji:qiangji@127.0.0.1:5432/qiangji
test-pg: setup system-deps
	scripts/pg-setup.sh
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

# Maintainers: refresh the English catalogue after changing UI strings (needs GNU gettext), then fill
# every new or fuzzy msgstr in locale/en/LC_MESSAGES/django.po (the msgids are the Chinese UI text).
# Commit the compiled django.mo together with the .po: `make run` never compiles messages, so a fresh
# machine without gettext still serves English; tests/test_i18n.py fails if the .mo is stale.
messages: setup
	$(MANAGE) makemessages -l en --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*' --ignore 'staticfiles/*'
	$(MANAGE) compilemessages -l en --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules static/vendor var/*.sqlite3
