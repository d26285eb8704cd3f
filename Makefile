# The two commands a new user needs (see README.md):
#   make run    – start the service on 127.0.0.1:8080 with data in ./data (demo data on first start)
#   make test   – the whole test suite, exactly as CI runs it
GO ?= go

.PHONY: run test vet fmt-check build fuzz deps
run:
	$(GO) run ./cmd/saperi serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o saperi ./cmd/saperi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# The general Italian thesaurus (Debian's mythes-it, GPL data loaded at run
# time, never shipped with Saperi). Matching works without it, a little
# worse; the recorded evaluation figures assume it. Installed with apt-get
# when missing and running as root; otherwise skipped with a message.
MYTHES := /usr/share/mythes/th_it_IT_v2.dat
deps:
	@if [ -f $(MYTHES) ]; then \
		echo "deps: mythes-it present ($(MYTHES))"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "deps: installing mythes-it"; \
		apt-get install -y mythes-it >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y mythes-it >/dev/null; }; \
	else \
		echo "deps: mythes-it missing and not root (or no apt-get): skipped; install it with 'apt-get install mythes-it' for the full thesaurus"; \
	fi

test: deps fmt-check vet
	$(GO) test -race -timeout 25m ./...

# Longer fuzzing of every decoder of outside input (the seed corpora run in `make test`).
fuzz:
	$(GO) test -run=^$$ -fuzz=FuzzDecode -fuzztime=60s ./web
	$(GO) test -run=^$$ -fuzz=FuzzSlotUnmarshal -fuzztime=60s ./matcher
	$(GO) test -run=^$$ -fuzz=FuzzAnalyze -fuzztime=60s ./index
