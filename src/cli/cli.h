/*
 * cli.h - what the two programs share: messages, exit codes, --version.
 * They use only the public API in sentiment.h, like any other client.
 */
#ifndef SENTIMENT_CLI_H
#define SENTIMENT_CLI_H

#include "sentiment.h"

/* Exit codes scripts can rely on. */
enum {
    EXIT_OK = 0,
    EXIT_FAILURE_RUN = 1,  /* bad input or a runtime error */
    EXIT_USAGE = 2         /* bad command line */
};

extern const char *cli_program;

/* "PROGRAM: message" on stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Reports a library error and returns EXIT_FAILURE_RUN. */
int cli_library_error(const sentiment_error *err);

/* Prints a usage error with a hint at --help; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

void cli_print_version(void);

/* Flushes and closes stdout; returns non-zero (after a message) when
 * output could not be written, e.g. on a full disk. */
int cli_close_stdout(void);

#endif
