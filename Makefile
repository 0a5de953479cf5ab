# redis-eventsource — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.PHONY: all deps build run test bench chaos clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The main job on embedded defaults: a local Redis and Kubernetes API, the example EventSource
# applied with kubectl, the controller in the foreground with events on stdout.
run: deps
	$(SWIFT) build --product redis-eventsource
	$(SWIFT) build --product kube-testserver
	@scripts/run.sh

# Everything: unit tests and the end-to-end tests against real redis-server, HTTP receivers and kubectl.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	@WITH_BENCH_TOOLS=1 scripts/install-deps.sh
	$(SWIFT) build -c release
	@scripts/bench.sh
	@scripts/bench-controller.sh

# Fault scenarios and fuzzing against the release build (a few minutes); records RELIABILITY.md.
chaos: deps
	$(SWIFT) build -c release
	@scripts/chaos.sh

clean:
	rm -rf .build .run
