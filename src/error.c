/*
 * error.c - status codes turned into sentences, error details, versions.
 */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static const char *const messages[] = {
    [SENTIMENT_OK] = "success",
    [SENTIMENT_ERR_NOMEM] = "out of memory",
    [SENTIMENT_ERR_IO] = "input/output error",
    [SENTIMENT_ERR_FORMAT] = "malformed input line",
    [SENTIMENT_ERR_CORRUPT] = "damaged model file",
    [SENTIMENT_ERR_VERSION] = "unsupported model file version",
    [SENTIMENT_ERR_INVALID] = "invalid argument",
    [SENTIMENT_ERR_DATA] = "unusable training data",
    [SENTIMENT_ERR_CANCELLED] = "cancelled",
};

const char *sentiment_strerror(int code)
{
    if (code < 0 || (size_t)code >= sizeof messages / sizeof messages[0] ||
        messages[code] == NULL)
        return "unknown error";
    return messages[code];
}

int sn_fail(sentiment_error *err, int code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

unsigned sentiment_version_number(void)
{
    return SENTIMENT_VERSION_NUMBER;
}

#define SN_STR2(x) #x
#define SN_STR(x) SN_STR2(x)

const char *sentiment_version_string(void)
{
    return SN_STR(SENTIMENT_VERSION_MAJOR) "." SN_STR(SENTIMENT_VERSION_MINOR)
        "." SN_STR(SENTIMENT_VERSION_PATCH);
}
