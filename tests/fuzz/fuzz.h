/*
 * fuzz.h - what every fuzz target in tests/fuzz/ defines.
 *
 * A target is one function, LLVMFuzzerTestOneInput(), that feeds its bytes
 * to one entry point of the library and checks what comes back.  The same
 * source builds two ways: with clang -fsanitize=fuzzer for fuzzing
 * (tests/fuzz/run.sh), and with driver.c as an ordinary "make check"
 * program that replays the seeds and every input that once failed.
 */
#ifndef SENTIMENT_FUZZ_H
#define SENTIMENT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: prints what and aborts, so that the fuzzer or the
 * driver reports the input. */
#define FUZZ_CHECK(cond) \
    ((cond) ? (void)0 : fuzz_failed(__FILE__, __LINE__, #cond))

void fuzz_failed(const char *file, int line, const char *what);

#endif
