# Uptake: the two commands of the README.
#   make demo   sets up, builds, and runs the baseline scenario
#   make test   sets up, builds, and runs every test: the Swift tests, the
#               plugins' Lua tests, every command of the docs (doc-test),
#               a real single-node Slurm cluster end to end, the sensitivity
#               indices against SALib, scenario discovery (PRIM) against EMA
#               Workbench, the Python package (python/) against the built
#               binary, the HTML reports in headless Chromium (browser-test),
#               then the Debian package installed and run away from the
#               source tree
#   make install   installs the release build, the standard plugins and shell
#               completions under PREFIX (default /usr/local; DESTDIR too);
#               make uninstall removes them
#   make deb    builds dist/uptake_VERSION_ARCH.deb (scripts/make-deb.sh)
#   make fuzz   builds the fuzz targets with libFuzzer and ASan and runs each
#               for FUZZ_SECONDS (default 60); docs/security.md#fuzzing
#   make sanitize  builds and runs the Swift tests under AddressSanitizer, then
#               ThreadSanitizer, each in its own build folder (.build-asan,
#               .build-tsan); fails on any report (about 20 minutes on 2 cores)
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: setup build demo test calibration-check lint unit-test doc-test slurm-test salib-test discover-test python-test browser-test package-test install uninstall deb bench fuzz sanitize clean

setup:
	@scripts/setup.sh

# The Swift runtime, Foundation and Dispatch linked into the binary, so that it runs
# without the toolchain (installed, packaged, copied to a cluster); make deb checks it.
build: setup
	$(SWIFT) build -c release --static-swift-stdlib --product uptake

demo: build
	.build/release/uptake run scenarios/baseline.lua --out out/baseline

test: lint unit-test doc-test slurm-test salib-test discover-test python-test browser-test package-test

# Code layout as .swift-format says (swift-format comes with the Swift toolchain): 120 columns, no ';'-joined
# statements. `swift format format -i -r -p Sources Tests Package.swift` fixes what it reports.
lint:
	$(SWIFT) format lint --strict -r -p Sources Tests Package.swift

# Every `uptake` command in README.md and docs/*.md, run as written (scripts/doctest.py).
doc-test: setup
	$(SWIFT) build
	Tests/DocTest/selftest.py
	scripts/doctest.py --uptake .build/debug/uptake

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

# Not part of make test (a few minutes): does uptake calibrate recover parameter values it knows?
# Synthetic data from the baseline at known values, calibrated back; prints the 90% intervals' coverage.
calibration-check: build
	bench/calibration/recovery.py .build/release/uptake --trials 20 --firms 2000 --particles 50 --proposals 250 --generations 4

# Installs EMA Workbench from PyPI into bench/.venv-ema (git-ignored) and checks uptake discover's
# PRIM trajectory, box and quasi-p values against its prim on the same runs.
discover-test: unit-test
	bench/ema/run.sh

# The Python package's tests (pytest, python/tests; docs/python.md): installs it with pandas,
# ema_workbench and pytest from PyPI into bench/.venv-python (git-ignored).
python-test: unit-test
	python/test.sh

# The run and batch reports in headless Chromium (Debian's chromium and chromium-driver, which
# setup installs), with Selenium and Pillow from PyPI in bench/.venv-browser (git-ignored):
# no console errors, drawn marks in every chart, screenshots in out/browser/ that are not blank.
browser-test: unit-test
	scripts/browser-test.sh

# Builds the .deb (a release build), unpacks it into a scratch root and runs a scenario of
# standard plugins from there, away from the source tree; then make install + uninstall.
package-test: unit-test
	MAKE="$(MAKE)" scripts/package-test.sh

# PREFIX/bin/uptake, PREFIX/share/uptake/plugins, and completions in PREFIX/share/{bash-completion,
# zsh,fish}/...; BASH_COMPLETION_DIR, ZSH_COMPLETION_DIR and FISH_COMPLETION_DIR move those.
install: build
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh install .build/release/uptake

uninstall:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh uninstall

# Needs dpkg-deb and dpkg-shlibdeps (scripts/setup.sh installs them when missing).
deb: build
	scripts/make-deb.sh .build/release/uptake

# Builds uptake-fuzz with libFuzzer and AddressSanitizer in .build-fuzz and runs every
# fuzz target FUZZ_SECONDS seconds (default 60); a finding is written to
# Tests/Fuzz/Regressions/<target>/, which unit-test replays. Only some: make fuzz FUZZ_TARGETS="lua-api set".
fuzz: setup
	SWIFT=$(SWIFT) scripts/fuzz.sh $(FUZZ_TARGETS)

# scripts/sanitize.sh: the Swift tests under ASan, then TSan (with the sanitized uptake
# binary for the command-line tests); every report is kept in .build-asan/reports or
# .build-tsan/reports. Only one: make sanitize SANITIZERS=thread.
sanitize: setup
	SWIFT=$(SWIFT) scripts/sanitize.sh $(SANITIZERS)

clean:
	rm -rf .build out dist
