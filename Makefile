# The two commands a new user needs (see README.md):
#   make run    – start the service on 127.0.0.1:8080 with data in ./data (demo data on first start)
#   make test   – the whole test suite, exactly as CI runs it
GO ?= go

.PHONY: run test vet fmt-check build fuzz
run:
	$(GO) run ./cmd/saperi serve

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o saperi ./cmd/saperi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

test: fmt-check vet
	$(GO) test -race -timeout 25m ./...

# Longer fuzzing of every decoder of outside input (the seed corpora run in `make test`).
fuzz:
	$(GO) test -run=^$$ -fuzz=FuzzDecode -fuzztime=60s ./web
	$(GO) test -run=^$$ -fuzz=FuzzSlotUnmarshal -fuzztime=60s ./matcher
	$(GO) test -run=^$$ -fuzz=FuzzAnalyze -fuzztime=60s ./index
