/*
 * cli.c - messages and exit codes shared by sentiment-train and
 * sentiment-classify.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *cli_program = "sentiment";

void cli_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", cli_program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_library_error(const sentiment_error *err)
{
    cli_error("%s", err->message[0] ? err->message : sentiment_strerror(err->code));
    return EXIT_FAILURE_RUN;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", cli_program);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", cli_program);
    return EXIT_USAGE;
}

/* The program's version, then the library's that was loaded: they differ
 * when the program runs with another libsentiment than it was built with. */
void cli_print_version(void)
{
    printf("%s %s\nlibsentiment %s\n", cli_program, PACKAGE_VERSION,
           sentiment_version_string());
}

int cli_close_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        cli_error("error writing output: %s", strerror(errno));
        return 1;
    }
    return 0;
}
