#!/usr/bin/env bash
# Runs the Swift test suite under AddressSanitizer, then ThreadSanitizer.
#
#   scripts/sanitize.sh [address] [thread]        (both, in that order, by default)
#
# Each sanitizer builds in its own folder (.build-asan, .build-tsan), never in
# .build. The command-line tests run the `uptake` binary of that folder, so the
# batch supervisor, its worker processes and `uptake run` are sanitized too.
# UPTAKE_SANITIZER=address|thread tells the tests the build is sanitized (the
# hostile-plugin suite then allows more memory above its baseline).
#
# Every report, from the test process or any process it starts, goes to a file
# in .build-asan/reports or .build-tsan/reports (log_path), not to stderr where
# the tests read the program's own output; the script prints them and fails if
# there is any, or if a test fails.
#
# SANITIZE_FILTER=REGEX runs only the tests it matches (swift test --filter), for
# a quick check of one part: SANITIZE_FILTER='LockedTests|BatchRunTests' scripts/sanitize.sh thread
#
# Options, both sanitizers:
#   handle_segv=0 handle_sigbus=0 handle_abort=0 handle_sigfpe=0
#     The supervision tests make a worker write to a bad address on purpose
#     (UPTAKE_INJECT_FAULT) and check that it dies of SIGSEGV; the sanitizer's
#     handler would make it exit with status 1 instead. A real crash still
#     fails its test, as a crash.
# AddressSanitizer:
#   detect_leaks=0
#     LeakSanitizer reports memory still in use at exit as leaked when Swift
#     holds it through a pointer with extra bits set (a multi-payload enum
#     keeps its case in its payload pointer's spare bits: LuaValue, Data; a
#     weak reference's side table), which it does not recognise as a pointer.
#     The true leaks it finds are in dependencies (TOMLKit 0.6.0 never frees
#     the copies its C shim returns, a few KiB per plugin.toml read;
#     ZIPFoundation and Foundation, bytes).
# SWIFT_BACKTRACE=enable=no (unless set): when a sanitized test process
#   crashes (an assertion, a trap), the Swift runtime's backtracer reads the
#   process's memory, trips AddressSanitizer (heap-buffer-overflow in
#   CrashHandlerLinux.cpp memserver_read), and swift-backtrace then never ends,
#   so `swift test` waits forever. Without it the crash is still reported, with
#   its message, and fails the run. (uptake already turns it off for its workers.)
# ThreadSanitizer: no suppressions are needed. Should a false positive appear
# (Foundation and Dispatch on Linux have some), add a suppressions file and
# TSAN_OPTIONS=suppressions=... here, one explained entry per report.
# Options already in ASAN_OPTIONS or TSAN_OPTIONS come after these and win.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
sanitizers=("$@")
[ ${#sanitizers[@]} -gt 0 ] || sanitizers=(address thread)
signals="handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0"

status=0
summary=()
for sanitizer in "${sanitizers[@]}"; do
  case $sanitizer in
    address) scratch=.build-asan ;;
    thread) scratch=.build-tsan ;;
    *) echo "sanitize: unknown sanitizer '$sanitizer' (address or thread)"; exit 2 ;;
  esac
  reports=$PWD/$scratch/reports
  rm -rf "$reports"
  mkdir -p "$reports"

  echo "sanitize: $SWIFT build --build-tests --sanitize=$sanitizer --scratch-path $scratch"
  start=$SECONDS
  $SWIFT build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
  built=$SECONDS

  echo "sanitize: $SWIFT test --skip-build --sanitize=$sanitizer --scratch-path $scratch"
  tests=0
  UPTAKE_SANITIZER=$sanitizer SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no} \
  ASAN_OPTIONS="$signals:detect_leaks=0:log_path=$reports/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
  TSAN_OPTIONS="$signals:log_path=$reports/tsan${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
    $SWIFT test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" ${SANITIZE_FILTER:+--filter "$SANITIZE_FILTER"} || tests=$?
  tested=$SECONDS

  verdict=clean
  found=$(find "$reports" -type f | sort)
  if [ -n "$found" ]; then
    while IFS= read -r f; do echo "=== $f"; cat "$f"; done <<< "$found"
    verdict="$(wc -l <<< "$found") report file(s) in $reports"
    status=1
  fi
  if [ $tests -ne 0 ]; then
    verdict="tests failed (status $tests); $verdict"
    status=1
  fi
  summary+=("$sanitizer: build $((built - start)) s, tests $((tested - built)) s, $verdict")
done
for line in "${summary[@]}"; do echo "sanitize: $line"; done
exit $status
