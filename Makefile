# Beacon: two commands do all the set-up on a fresh Debian machine (as root).
#   make run    installs what it needs, builds in release mode, serves on the embedded config.json
#   make test   installs what it needs, runs every test, drives a release build with the official
#               SDK client libraries (Tests/sdk), then fuzzes it (Tests/fuzz)
#   make fuzz   longer runs: schemathesis with FUZZ_EXAMPLES per operation (default 200, FUZZ_SEED),
#               the ingest parser under libFuzzer with ASan/UBSan (INGEST_FUZZ_SECONDS, default 300),
#               and the actor and WAL tests under ThreadSanitizer
APT_PACKAGES := libzstd-dev libroaring-dev libsimdjson-dev libsqlite3-dev zlib1g-dev
SWIFT ?= swift

.PHONY: run test deps build release bench clean spec-check fuzz openapi

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

release: deps
	$(SWIFT) build -c release --product beacon

run: release
	.build/release/beacon serve $(ARGS)

build: deps
	$(SWIFT) build

# The description (docs/openapi.yaml) is checked first, since the tests and the fuzz run read it;
# then Segment's, RudderStack's, PostHog's, Amplitude's and Mixpanel's Python libraries send to a
# release server (Tests/sdk/run_sdk_clients.sh), and the fuzz run drives one with a fixed seed.
test: build spec-check
	$(SWIFT) test
	$(SWIFT) build -c release --product beacon
	Tests/sdk/run_sdk_clients.sh
	Tests/fuzz/run_schemathesis.sh

# Installs openapi-spec-validator and schemathesis under .build on first use.
spec-check:
	"$$(Tests/fuzz/tools.sh)/python3" Tests/fuzz/validate_spec.py

fuzz: release spec-check
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} FUZZ_TIMEOUT=$${FUZZ_TIMEOUT:-3600} Tests/fuzz/run_schemathesis.sh
	Tests/fuzz/run_ingest_fuzzer.sh $${INGEST_FUZZ_SECONDS:-300}
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter 'ActorsTests|SnapshotTests'

# Writes docs/openapi.yaml into the binary's copy (Sources/HTTPFront/OpenAPIDocument.swift).
openapi:
	python3 Tests/fuzz/embed_spec.py

bench: deps
	bench/run

clean:
	rm -rf .build
