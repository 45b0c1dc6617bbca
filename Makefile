# Uptake: the two commands of the README.
#   make demo   sets up, builds, and runs the baseline scenario
#   make test   sets up, builds, and runs every test: the Swift tests, the
#               plugins' Lua tests, a real single-node Slurm cluster end to
#               end, then the sensitivity indices against SALib
SWIFT ?= swift

.PHONY: setup build demo test unit-test slurm-test salib-test bench clean

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build -c release --product uptake

demo: build
	.build/release/uptake run scenarios/baseline.lua --out out/baseline

test: unit-test slurm-test salib-test

unit-test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	.build/debug/uptake test plugins
	Tests/CLuaShimsChecks/run.sh 500
	scripts/chaos-test.sh .build/debug/uptake

# Installs Debian's slurmctld, slurmd and munge when missing; needs root or sudo.
slurm-test: unit-test
	scripts/slurm-e2e.sh

# Installs SALib from PyPI into bench/.venv-salib (git-ignored).
salib-test: unit-test
	bench/salib/run.sh

clean:
	rm -rf .build out
