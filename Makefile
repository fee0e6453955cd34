# Build and test targets. `make test` is the one command CI runs.
SWIFT ?= swift
SOURCES := Package.swift Sources Tests

.PHONY: all build test format lint deps bench demo clean

all: build

# Packages the tests need from Debian. As root they are installed; otherwise the
# apt-get line to run is printed and the build stops.
DEBIAN_PACKAGES := sqlite3 libsqlite3-dev

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    else \
	        echo "missing Debian packages; run: sudo apt-get install -y$$missing"; exit 1; \
	    fi; \
	fi

build:
	$(SWIFT) build

lint:
	$(SWIFT) format lint --strict --recursive $(SOURCES)

format:
	$(SWIFT) format format --in-place --recursive $(SOURCES)

test: deps lint
	$(SWIFT) build
	$(SWIFT) test

bench:
	$(SWIFT) run -c release agora-bench datalog

demo:
	$(SWIFT) run agora eval --rules examples/compromised_vm.dl --facts examples/compromised_vm_facts.dl \
	    --explain 'error(vm, src_ip, dst_ip, tenant)'

clean:
	$(SWIFT) package clean
