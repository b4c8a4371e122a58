# Beacon: two commands do all the set-up on a fresh Debian machine (as root).
#   make run    installs what it needs, builds in release mode, serves on the embedded config.json
#   make test   installs what it needs, runs every test
APT_PACKAGES := libzstd-dev libroaring-dev libsimdjson-dev
SWIFT ?= swift

.PHONY: run test deps build release bench clean

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

test: build
	$(SWIFT) test

bench: deps
	bench/run

clean:
	rm -rf .build
