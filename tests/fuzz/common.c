/*
 * common.c - helpers shared by the fuzz targets.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

void fuzz_failed(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    abort();
}
