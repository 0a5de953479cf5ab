# redis-eventsource — the two set-up commands are `make run` and `make test`.
SWIFT ?= swift
BIN_DIR = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

.PHONY: all deps build run test bench chaos clean install uninstall deploy undeploy docker-build

# The image `deploy` runs and `docker-build` builds, e.g. IMG=registry.example.com/team/redis-eventsource:0.1.0
IMG ?= redis-eventsource:0.1.0
KUBECTL ?= kubectl

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

# The main job on embedded defaults: a local Redis and Kubernetes API, the example EventSource
# applied with kubectl, the controller in the foreground with events on stdout.
# RUN_DIR=folder runs a second one beside the first; SKIP_BUILD=1 uses what is built.
run: deps
ifndef SKIP_BUILD
	$(SWIFT) build --product redis-eventsource
	$(SWIFT) build --product kube-testserver
endif
	@scripts/run.sh

# Everything: unit tests and the end-to-end tests against real redis-server, HTTP receivers and kubectl.
test: deps
	@scripts/check-imports.sh
	$(SWIFT) build --build-tests
	@start=$$(date +%s); status=0; $(SWIFT) test --skip-build || status=$$?; \
	echo "make test: the suites took $$(( $$(date +%s) - start )) s (TEST_TIMEOUT_SCALE=$${TEST_TIMEOUT_SCALE:-1})"; exit $$status

bench: deps
	@WITH_BENCH_TOOLS=1 scripts/install-deps.sh
	$(SWIFT) build -c release
	@status=0; scripts/bench.sh || status=$$?; scripts/bench-controller.sh || status=$$?; scripts/bench-summary.sh; exit $$status

# The consumer core's simulation (100,000 seeds), then fault scenarios and fuzzing against the
# release build (a few minutes); records RELIABILITY.md.
# SIMULATION_SEEDS sets how many seeds the consumer core's deterministic simulation runs first.
chaos: deps
	$(SWIFT) build --build-tests
	SIMULATION_SEEDS=$${SIMULATION_SEEDS:-100000} $(SWIFT) test --skip-build --filter ConsumerSimulationTests
	$(SWIFT) build -c release
	@scripts/chaos.sh

# As kubebuilder-made operators do: install/uninstall the CRD alone, deploy/undeploy everything
# (the kustomize tree in manifests/) with IMG as the controller's image, in the current kubeconfig.
install:
	$(KUBECTL) apply -k manifests/crds

uninstall:
	$(KUBECTL) delete -k manifests/crds --ignore-not-found

deploy:
	@scripts/deploy-overlay.sh "$(IMG)" .run/deploy
	$(KUBECTL) apply -k .run/deploy

undeploy:
	$(KUBECTL) delete -k manifests --ignore-not-found

docker-build:
	docker build -t $(IMG) .

clean:
	rm -rf .build .run
