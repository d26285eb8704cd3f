# The two commands a new user needs (see README.md):
#   make run    – start the service on 127.0.0.1:8080 with data in ./data (demo data on first start;
#                 Ctrl-C stops it cleanly)
#   make test   – the whole test suite, exactly as CI runs it
GO ?= go

.PHONY: run test vet fmt-check build fuzz soak deps
# run builds the binary and replaces the shell with it (exec): Ctrl-C
# reaches saperi, which shuts down gracefully and exits 0, so make has
# nothing to report (`go run` turned every Ctrl-C into "Error 1").
run:
	@mkdir -p bin && $(GO) build -o bin/saperi ./cmd/saperi
	@exec ./bin/saperi serve --demo

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o saperi ./cmd/saperi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# What the tests need besides Go, installed when missing and running as
# root (apt-get), else skipped with a message:
# - Debian's mythes-it, the general Italian thesaurus (GPL data loaded at
#   run time, never shipped with Saperi); the recorded evaluation figures
#   assume it;
# - Debian's chromium for the browser test (cmd/saperi/browser_test.go);
# - axe-core, pinned in web/e2e/package-lock.json (npm ci).
# Without chromium or axe-core the browser test skips on a developer's
# machine and fails when CI=true.
MYTHES := /usr/share/mythes/th_it_IT_v2.dat
deps:
	@missing=""; \
	[ -f $(MYTHES) ] || missing="$$missing mythes-it"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -z "$$missing" ]; then \
	  echo "deps: mythes-it and chromium present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "deps:$$missing missing and cannot be installed here (needs root and apt-get)"; \
	fi
	@if command -v npm >/dev/null 2>&1; then \
	  if [ ! -f web/e2e/node_modules/axe-core/axe.min.js ] || [ web/e2e/package-lock.json -nt web/e2e/node_modules/.package-lock.json ]; then \
	    cd web/e2e && npm ci --no-audit --no-fund; \
	  fi; \
	else \
	  echo "deps: npm is missing: axe-core (web/e2e) cannot be installed"; \
	fi

test: deps fmt-check vet
	$(GO) test -race -timeout 25m ./...

# Longer fuzzing of every parser of outside input (the seed corpora run in
# `make test`), one target after the other: FUZZTIME=10m make fuzz is the
# run recorded before a release.
FUZZTIME ?= 60s
# How long the engine may spend shrinking each new interesting input (Go's
# default is 60 s). Through excelize one run of FuzzParse takes milliseconds,
# so a minute per input showed as minutes of "0 execs/sec" on XLSX inputs.
FUZZMINTIME ?= 5s
FUZZ_TARGETS := \
	./web:FuzzDecode ./web:FuzzPostingForm \
	.:FuzzSlotUnmarshal .:FuzzVerifyLink \
	./index:FuzzAnalyze ./index:FuzzMythes \
	./digest:FuzzSchedule ./sheet:FuzzParse
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "== $$name ($$pkg, $(FUZZTIME))"; \
	  $(GO) test -run=^$$ -fuzz=^$$name\$$ -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINTIME) $$pkg; \
	done

# The endurance test's short form (saperi soak for 2 minutes at 200
# requests/s; TestSoak). Not part of `make test`: the suite with -race
# already takes most of CI's ten minutes on a 2-core runner. The closing
# run is `saperi soak` (30 minutes by default).
SOAK ?= 2m
soak:
	SAPERI_SOAK=$(SOAK) $(GO) test -run '^TestSoak$$' -timeout 60m -v ./cmd/saperi
