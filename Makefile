# Two entry points for a fresh machine with python3 and make:
#   make run   - set up .venv and run the main job
#   make test  - set up .venv with the test extras and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean chromium java

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# compileall: an editable install writes no bytecode, and with PYTHONDONTWRITEBYTECODE
# set every run would compile ~70 modules again (~75 ms of start-up); a wheel install
# compiles them, so this matches what users get.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	$(BIN)/python -m compileall -q src >/dev/null
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q src >/dev/null
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	@$(BIN)/smtp-explain explain "550 5.7.1 Service unavailable; Client host [192.0.2.25] blocked using zen.spamhaus.org"
	@echo
	@echo "Explain your own error in the terminal:  $(BIN)/smtp-explain 'paste the error here'  (--lang tr for Turkish)"
	@echo "Open http://127.0.0.1:8025/ in your browser (Ctrl+C stops the server)"
	@$(BIN)/smtp-explain serve --host 127.0.0.1 --port 8025

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks docs tools
	$(BIN)/mypy

# The browser tests drive Debian's Chromium by path; as root, install it when missing
# (otherwise those tests fail with one line saying so).
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" -eq 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi


# The Spark tests need a Java 17+ runtime: Debian's, installed here when missing and we are root.
JAVA_OK = java -XshowSettings:properties -version 2>&1 | grep -Eq 'java.specification.version = (1[7-9]|[2-9][0-9])'
java:
	@if ! $(JAVA_OK); then \
	    if [ "$$(id -u)" -ne 0 ]; then \
	        echo "make test: Spark tests need Java 17+ (not found) and only root can apt-get install default-jre-headless; install it and run again" >&2; exit 1; \
	    fi; \
	    mkdir -p /usr/share/man/man1; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } \
	        || { echo "make test: apt-get could not install default-jre-headless (Java 17+ for the Spark tests)" >&2; exit 1; }; \
	    $(JAVA_OK) || { echo "make test: Spark tests need Java 17+, and this system's default-jre-headless is older; install openjdk-17-jre-headless" >&2; exit 1; }; \
	fi

test: $(VENV)/.installed-test lint chromium java
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-test java
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache
