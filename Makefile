# Beacon: two commands do all the set-up on a fresh Debian machine (as root).
#   make run    installs what it needs, builds in release mode, serves on the embedded config.json
#   make demo   the same, with a month of generated events in the demo tenant (DEMO_EVENTS, default 300000)
#   make test   installs what it needs, runs every test, drives a release build with the official
#               SDK client libraries (Tests/sdk) and in headless Chromium (Tests/browser), then
#               fuzzes it (Tests/fuzz)
#   make fuzz   longer runs: schemathesis with FUZZ_EXAMPLES per operation (default 200, FUZZ_SEED),
#               the ingest parser under libFuzzer with ASan/UBSan (INGEST_FUZZ_SECONDS, default 300),
#               and the actor and WAL tests under ThreadSanitizer
APT_PACKAGES := libzstd-dev libroaring-dev libsimdjson-dev libsqlite3-dev zlib1g-dev
# Only what the browser tests need (make test): Debian's Chromium, driven through playwright.
BROWSER_PACKAGES := chromium
# Only what the cluster tests need (make test): Debian's nats-server, which Tests/NATSTests starts.
CLUSTER_PACKAGES := nats-server
SWIFT ?= swift
# The suites that start nats-servers run on their own after the rest: beside a hundred other
# suites on two cores, their servers' start-up waits starve behind the others' blocking work.
NATS_TESTS := NATSTests|ClusterTests|ClusterFailoverTests

.PHONY: run demo test deps browser-deps cluster-deps cluster build release bench clean spec-check fuzz openapi assets

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

browser-deps:
	@missing=""; for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

cluster-deps:
	@missing=""; for p in $(CLUSTER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# Three nats-servers, three Beacon nodes in cluster mode and nginx in front (docs/cluster.md).
cluster: release cluster-deps
	@dpkg -s nginx >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx)
	cluster/run.sh

release: deps
	$(SWIFT) build -c release --product beacon

run: release
	.build/release/beacon serve $(ARGS)

# Serves the embedded configuration with a month of generated events in the demo tenant (kept in
# .build/demo-data, so a second `make demo` starts with the same data): open http://127.0.0.1:8080/
# and log in with demo-key.
demo: release
	.build/release/beacon serve --data-dir .build/demo-data --demo-events $${DEMO_EVENTS:-300000} $(ARGS)

build: deps
	$(SWIFT) build

# The description (docs/openapi.yaml) is checked first, since the tests and the fuzz run read it;
# then Segment's, RudderStack's, PostHog's, Amplitude's and Mixpanel's Python libraries send to a
# release server (Tests/sdk/run_sdk_clients.sh), and the fuzz run drives one with a fixed seed.
test: build spec-check browser-deps cluster-deps
	$(SWIFT) test --skip "$(NATS_TESTS)"
	$(SWIFT) test --skip-build --filter "$(NATS_TESTS)"
	$(SWIFT) build -c release --product beacon
	Tests/sdk/run_sdk_clients.sh
	Tests/browser/run_browser_tests.sh
	Tests/fuzz/run_schemathesis.sh

# Installs openapi-spec-validator and schemathesis under .build on first use.
spec-check:
	"$$(Tests/fuzz/tools.sh)/python3" Tests/fuzz/validate_spec.py

fuzz: release spec-check
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_TIMEOUT=$${FUZZ_TIMEOUT:-3600} Tests/fuzz/run_schemathesis.sh
	Tests/fuzz/run_ingest_fuzzer.sh $${INGEST_FUZZ_SECONDS:-300}
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter 'ActorsTests|SnapshotTests'

# Writes the dashboard's files and the tracker into the binary's copy (Sources/HTTPFront/StaticAssetFiles.swift).
assets:
	python3 Tests/support/embed_assets.py

# Writes docs/openapi.yaml into the binary's copy (Sources/HTTPFront/OpenAPIDocument.swift).
openapi:
	python3 Tests/fuzz/embed_spec.py

bench: deps
	bench/run

clean:
	rm -rf .build
