# redis-eventsource — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.PHONY: all deps test-deps build run test bench chaos clean install uninstall deploy undeploy docker-build install-bin

# Where `make install-bin` puts the release binary: $(PREFIX)/bin/redis-eventsource.
PREFIX ?= /usr/local

# The image `deploy` runs and `docker-build` builds, e.g. IMG=registry.example.com/team/redis-eventsource:0.1.0
IMG ?= redis-eventsource:0.1.0
KUBECTL ?= kubectl

all: build

deps:
	@scripts/install-deps.sh

# What only the tests use on top (Prometheus and promtool, the Python Kubernetes client).
test-deps:
	@WITH_TEST_TOOLS=1 scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The main job on embedded defaults: a local Redis and Kubernetes API, the example EventSource
# applied with kubectl, the controller in the foreground with events on stdout.
# RUN_DIR=folder runs a second one beside the first; SKIP_BUILD=1 uses what is built.
# Standard output carries events only: the build's output goes to standard error.
run: deps
ifndef SKIP_BUILD
	@$(SWIFT) build --product redis-eventsource >&2
	@$(SWIFT) build --product kube-testserver >&2
endif
	@scripts/run.sh

# Everything: unit tests and the end-to-end tests against real redis-server, HTTP receivers and kubectl.
test: test-deps
	@scripts/check-imports.sh
	$(SWIFT) build --build-tests
	@# Suites named *ExitTests run in a second pass: Swift Testing's parent blocks a cooperative-pool
	@# thread on each exit test's child for as long as it runs, which would starve every other suite.
	@start=$$(date +%s); status=0; \
	$(SWIFT) test --skip-build --skip ExitTests || status=$$?; \
	$(SWIFT) test --skip-build --filter ExitTests || status=$$?; \
	echo "make test: the suites took $$(( $$(date +%s) - start )) s (TEST_TIMEOUT_SCALE=$${TEST_TIMEOUT_SCALE:-1})"; exit $$status

bench: deps
	@WITH_BENCH_TOOLS=1 scripts/install-deps.sh
	$(SWIFT) build -c release
	@status=0; scripts/bench.sh || status=$$?; scripts/bench-controller.sh || status=$$?; scripts/bench-summary.sh; scripts/bench-issue19.sh; exit $$status

# The consumer core's simulation (100,000 seeds), then fault scenarios and fuzzing against the
# release build (a few minutes); records RELIABILITY.md.
# SIMULATION_SEEDS sets how many seeds the consumer core's deterministic simulation runs first.
chaos: deps
	$(SWIFT) build --build-tests
	SIMULATION_SEEDS=$${SIMULATION_SEEDS:-100000} $(SWIFT) test --skip-build --filter ConsumerSimulationTests
	$(SWIFT) build -c release
	@scripts/chaos.sh

# As kubebuilder-made operators do: install/uninstall the CRDs alone, deploy/undeploy a whole
# variant (VARIANT=base, or variants/<name>: a folder under manifests/) with IMG as the
# controller's image, in the current kubeconfig. All four go through scripts/manifests.sh, which
# creates a CRD only where none exists and deletes only CRDs it created, so Argo Events' CRDs and
# EventSources survive every uninstall. undeploy removes what the last deploy from DEPLOY_DIR
# applied, or VARIANT's folder when VARIANT is given or nothing was deployed from here.
VARIANT ?= base
DEPLOY_DIR ?= .run/deploy
install:
	@KUBECTL="$(KUBECTL)" scripts/manifests.sh apply manifests/crds

uninstall:
	@KUBECTL="$(KUBECTL)" scripts/manifests.sh delete manifests/crds

deploy:
	@scripts/deploy-overlay.sh "$(IMG)" "$(DEPLOY_DIR)" "manifests/$(VARIANT)"
	@KUBECTL="$(KUBECTL)" scripts/manifests.sh apply "$(DEPLOY_DIR)"

undeploy:
ifeq ($(origin VARIANT),command line)
	@KUBECTL="$(KUBECTL)" scripts/manifests.sh delete "manifests/$(VARIANT)"
else
	@if [ -f "$(DEPLOY_DIR)/kustomization.yaml" ]; then folder="$(DEPLOY_DIR)"; else folder="manifests/$(VARIANT)"; fi; \
	KUBECTL="$(KUBECTL)" scripts/manifests.sh delete "$$folder"
endif

docker-build:
	docker build -t $(IMG) .

# The release binary into $(PREFIX)/bin (default /usr/local/bin); DESTDIR stages it for packaging.
install-bin:
	$(SWIFT) build -c release --product redis-eventsource
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/redis-eventsource" "$(DESTDIR)$(PREFIX)/bin/redis-eventsource"

clean:
	rm -rf .build .run
