# Uptake: the two commands of the README.
#   make demo   sets up, builds, and runs the baseline scenario
#   make test   sets up, builds, and runs every test (Swift tests, then the plugins' Lua tests)
SWIFT ?= swift

.PHONY: setup build demo test bench clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build -c release --product uptake

demo: build
	.build/release/uptake run scenarios/baseline.lua --out out/baseline

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	.build/debug/uptake test plugins

clean:
	rm -rf .build out
