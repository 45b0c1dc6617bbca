/*
 * CLibFuzzer: the one libFuzzer function uptake-fuzz calls, declared for Swift.
 *
 * SwiftPM links an executable target with `--defsym main=<module>_main`, so
 * libFuzzer's own main() cannot be used; uptake-fuzz defines <module>_main
 * instead and hands control to libFuzzer through LLVMFuzzerRunDriver (from
 * compiler-rt's FuzzerInterface.h). Only the libFuzzer build
 * (-sanitize=fuzzer, scripts/fuzz.sh) references it.
 */
#ifndef UPTAKE_CLIBFUZZER_H
#define UPTAKE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
