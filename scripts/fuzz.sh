#!/usr/bin/env bash
# make fuzz: builds uptake-fuzz with libFuzzer and AddressSanitizer, then runs
# each fuzz target (Sources/UptakeFuzzTargets) for a bounded time.
#
#   scripts/fuzz.sh                 every target, FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh lua-api set     only these targets
#   FUZZ_SECONDS=600 scripts/fuzz.sh lua-api
#   FUZZ_SANITIZE=fuzzer scripts/fuzz.sh    libFuzzer without ASan (faster, finds less)
#
# Seeds come from Tests/Fuzz/Corpus/<target>/ (read only); the corpus the
# fuzzer grows is kept in .build-fuzz/corpus/<target>/ (git-ignored), so a
# later run goes on from it. A crash, hang (over 30 s), out-of-memory or
# sanitizer report is written to Tests/Fuzz/Regressions/<target>/ (libFuzzer
# stops the target there); `make test` replays every file in both folders.
# Reproduce one with the replay driver, a normal build of the same program:
#
#   swift build --product uptake-fuzz --scratch-path .build-fuzzcheck
#   .build-fuzzcheck/debug/uptake-fuzz TARGET Tests/Fuzz/Regressions/TARGET/crash-...
#
# Exit status: 0 when no target found anything, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
SANITIZE=${FUZZ_SANITIZE:-fuzzer,address}
SCRATCH=.build-fuzz

# -sanitize=fuzzer on every Swift module (coverage + libFuzzer at link time);
# the C and C++ targets (CLuaShims, toml++ inside TOMLKit, ...) get coverage
# with fuzzer-no-link. -parse-as-library and UPTAKE_LIBFUZZER select the
# libFuzzer entry of Sources/uptake-fuzz. lld: gold fails on this link.
c_sanitize=${SANITIZE/fuzzer/fuzzer-no-link}
echo "fuzz: building uptake-fuzz (-sanitize=$SANITIZE) in $SCRATCH"
"$SWIFT" build -c release --product uptake-fuzz --scratch-path "$SCRATCH" \
    -Xswiftc "-sanitize=$SANITIZE" -Xswiftc -parse-as-library -Xswiftc -DUPTAKE_LIBFUZZER -Xswiftc -use-ld=lld \
    -Xcc "-fsanitize=$c_sanitize" -Xcxx "-fsanitize=$c_sanitize"
FUZZER=$SCRATCH/release/uptake-fuzz

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(UPTAKE_FUZZ_TARGET=list "$FUZZER"); fi

# Known leaks in dependencies (TOMLKit, LebJe/TOMLKit#26; Foundation on Linux)
# are not findings: leak detection is off.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=1}
# The Swift runtime's own backtracer reads memory ASan does not expect it to (a false
# stack-buffer-overflow in CrashHandlerLinux.cpp): libFuzzer reports crashes instead.
export SWIFT_BACKTRACE=enable=no

found=0
summary=""
mkdir -p "$SCRATCH/logs"
for target in "${targets[@]}"; do
    seeds=Tests/Fuzz/Corpus/$target
    corpus=$SCRATCH/corpus/$target
    regressions=Tests/Fuzz/Regressions/$target
    log=$SCRATCH/logs/$target.log
    if [ ! -d "$seeds" ]; then echo "fuzz: no seed corpus $seeds (targets: $(UPTAKE_FUZZ_TARGET=list "$FUZZER" | tr '\n' ' '))" >&2; exit 2; fi
    mkdir -p "$corpus" "$regressions"
    before=$(ls "$regressions" | wc -l)
    echo "fuzz: $target for ${SECONDS_PER_TARGET}s (log $log)"
    status=0
    UPTAKE_FUZZ_TARGET=$target "$FUZZER" "$corpus" "$seeds" \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=30 -rss_limit_mb=4096 -detect_leaks=0 \
        -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$regressions/" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
    after=$(ls "$regressions" | wc -l)
    if [ "$status" -ne 0 ] || [ "$after" -ne "$before" ]; then
        found=1
        new=$(ls -t "$regressions" | head -n $((after - before)) | tr '\n' ' ')
        line="$target: FOUND (exit $status) $new"
        grep -E '^==[0-9]+==ERROR|^SUMMARY|deadly signal|ALARM|out-of-memory' "$log" | head -3 | sed 's/^/    /' || true
    else
        line="$target: ok"
    fi
    summary+="$(printf '%-12s %6s runs %6s exec/s  %-9s  %s' "$target" "${runs:-?}" "${speed:-?}" "${cov:-}" "$line")"$'\n'
done
echo
echo "fuzz summary (${SECONDS_PER_TARGET}s per target, -sanitize=$SANITIZE):"
printf '%s' "$summary"
if [ "$found" -ne 0 ]; then
    echo "fuzz: findings are in Tests/Fuzz/Regressions/<target>/; replay one with .build-fuzzcheck/debug/uptake-fuzz TARGET FILE (see the top of this script)" >&2
fi
exit "$found"
