# Two commands: `make build` sets up and builds the sample toolbox; `make test` sets up and runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: build check serve test setup browser libreoffice voikko php clean

build: setup voikko
	$(PY) build.py

check: setup
	$(PY) build.py check

serve: setup voikko
	$(PY) build.py serve

# PARTNERKIT_REQUIRE_LIBREOFFICE: the import tests with LibreOffice-written files fail (never skip) without it.
test: setup browser libreoffice voikko php
	PARTNERKIT_REQUIRE_LIBREOFFICE=1 $(PY) -m pytest

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Browser tests use Debian's Chromium (browser downloads are not possible here) and axe-core from npm.
browser: node_modules/axe-core/axe.min.js
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Asennetaan Chromium (apt-get)..."; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The import tests read spreadsheets written by a real spreadsheet program: Debian's LibreOffice Calc, headless.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  echo "Asennetaan LibreOffice Calc (apt-get)..."; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=900 libreoffice-calc-nogui >/dev/null; }

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

# The search index gets Finnish base forms and compound parts from Voikko: Debian's library and dictionary (the
# Python bindings are pinned in requirements.lock). `make build`, `make serve` and the tests install it; a build
# run some other way works without it and says what its search lacks.
voikko:
	@dpkg-query -W -f='$${Status}\n' libvoikko1 voikko-fi 2>/dev/null | grep -c 'install ok installed' | grep -qx 2 || { \
	  echo "Asennetaan Voikko (apt-get)..."; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=900 libvoikko1 voikko-fi >/dev/null; }

# The Moodle plugin (moodle/admin/tool/partnerkit) is linted and its Moodle-free parts are tested with Debian's PHP.
php:
	@{ command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("simplexml") ? 0 : 1);'; } || { \
	  echo "Asennetaan PHP (apt-get)..."; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    -o DPkg::Lock::Timeout=900 php-cli php-xml >/dev/null; }

clean:
	rm -rf site dist $(VENV) node_modules
