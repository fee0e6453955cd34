# Build and test targets. `make test` is the one command CI runs.
SWIFT ?= swift
SOURCES := Package.swift Sources Tests

.PHONY: all build test format lint deps openstack openstack-keystone-test bench demo clean

all: build

# Packages the tests need from Debian. As root they are installed; otherwise the
# apt-get line to run is printed and the build stops.
DEBIAN_PACKAGES := sqlite3 libsqlite3-dev libyaml-dev libpcap-dev tcpdump curl libpq-dev postgresql \
    libmicrohttpd-dev openssl nftables conntrack iproute2 iputils-ping chromium

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

# Real Keystone, Nova and Neutron on 127.0.0.1 for the OpenStack integration tests. The
# scripts live beside the repository; the venv is built once (as root), and the servers are
# started without Keystone auth when they do not answer. Without the venv the tests that need
# the servers are skipped and say so.
OSTACK ?= /tmp/ostack
OPENSTACK_SCRIPTS := ../shared/openstack
OPENSTACK_PROBES := http://127.0.0.1:5000/v3 http://127.0.0.1:9696/ http://127.0.0.1:8774/

openstack:
	@if [ ! -x "$(OSTACK)/venv/bin/python" ]; then \
	    if [ "$$(id -u)" = 0 ]; then OSTACK=$(OSTACK) $(OPENSTACK_SCRIPTS)/install.sh; \
	    else echo "OpenStack venv missing; as root run: OSTACK=$(OSTACK) $(OPENSTACK_SCRIPTS)/install.sh"; fi; \
	fi
	@if [ -x "$(OSTACK)/venv/bin/python" ]; then \
	    up=yes; for url in $(OPENSTACK_PROBES); do \
	        code=$$(curl -s -o /dev/null -m 3 -w '%{http_code}' $$url || true); \
	        [ "$$code" = 000 ] && up=no; done; \
	    if [ $$up = no ]; then OSTACK=$(OSTACK) AUTH=noauth $(OPENSTACK_SCRIPTS)/up.sh; \
	    else echo "OpenStack servers already answer on 127.0.0.1"; fi; \
	fi

# Restarts the servers with every service checking Keystone tokens, runs the tests that need
# that (revoked tokens, project scope), then restarts them without Keystone auth.
openstack-keystone-test: openstack
	@if [ -x "$(OSTACK)/venv/bin/python" ]; then \
	    OSTACK=$(OSTACK) AUTH=keystone $(OPENSTACK_SCRIPTS)/up.sh && \
	    { $(SWIFT) test --filter KeystoneModeTests; status=$$?; \
	      OSTACK=$(OSTACK) AUTH=noauth $(OPENSTACK_SCRIPTS)/up.sh; exit $$status; }; \
	else echo "skipping the Keystone-mode tests: no OpenStack venv in $(OSTACK)"; fi

lint:
	$(SWIFT) format lint --strict --recursive $(SOURCES)

format:
	$(SWIFT) format format --in-place --recursive $(SOURCES)

test: deps lint openstack
	$(SWIFT) build
	$(SWIFT) test --skip 'RealTrafficTests|DashboardPerformanceTests'
	$(SWIFT) test --filter RealTrafficTests
	$(SWIFT) test --filter DashboardPerformanceTests
	$(MAKE) openstack-keystone-test

bench:
	$(SWIFT) run -c release agora-bench datalog

demo:
	$(SWIFT) run agora demo

clean:
	$(SWIFT) package clean
