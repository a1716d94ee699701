/*
 * driver.c - replays inputs through one fuzz target without libFuzzer, so
 * that "make check" runs every seed and every input that ever made a
 * target fail (tests/fuzz/regressions/TARGET/), with any compiler.
 *
 * Usage: replay-TARGET [FILE-OR-DIRECTORY]...  Without arguments it reads
 * $top_srcdir/tests/fuzz/seeds/TARGET and .../regressions/TARGET.
 * It prints TAP, one result per input and the plan last, so that "make
 * check" counts the inputs; like cmocka, it exits with the number of
 * results that failed.  A failing input aborts (see FUZZ_CHECK): the plan
 * is then missing, which fails the test, and the log names the input.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#  error "FUZZ_TARGET must name the target"
#endif

static unsigned long results, failed;

/* One TAP result: PATH and what went wrong, if anything (WHY). */
static void result(const char *path, const char *why)
{
    results++;
    if (why != NULL) {
        failed++;
        printf("not ok %lu - %s: %s\n", results, path, why);
    } else {
        printf("ok %lu - %s\n", results, path);
    }
    fflush(stdout);
}

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t size = 0, cap = 0, got;

    if (f == NULL) {
        result(path, strerror(errno));
        return;
    }
    do {
        if (size == cap) {
            unsigned char *p = realloc(data, cap = cap ? 2 * cap : 4096);
            if (p == NULL) {
                fprintf(stderr, "%s: out of memory\n", path);
                exit(1);
            }
            data = p;
        }
        got = fread(data + size, 1, cap - size, f);
        size += got;
    } while (got > 0);
    if (ferror(f)) {
        result(path, strerror(errno));
        fclose(f);
        free(data);
        return;
    }
    fclose(f);
    /* Printed first: if the target aborts, the log names the input. */
    printf("# %s (%zu bytes)\n", path, size);
    fflush(stdout);
    /* A copy of exactly SIZE bytes, so that the sanitizers see overreads. */
    {
        unsigned char *exact = malloc(size ? size : 1);
        if (exact == NULL)
            exit(1);
        if (size > 0)
            memcpy(exact, data, size);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
    }
    free(data);
    result(path, NULL);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
    struct stat st;
    DIR *dir;
    struct dirent *e;
    char **names = NULL;
    size_t count = 0;

    if (stat(path, &st) < 0) {
        result(path, strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    dir = opendir(path);
    if (dir == NULL) {
        result(path, strerror(errno));
        return;
    }
    /* Sorted, so that every run replays in the same order. */
    while ((e = readdir(dir)) != NULL) {
        char **p;
        if (e->d_name[0] == '.')
            continue;
        p = realloc(names, (count + 1) * sizeof *names);
        if (p == NULL)
            exit(1);
        names = p;
        names[count] = malloc(strlen(path) + strlen(e->d_name) + 2);
        if (names[count] == NULL)
            exit(1);
        sprintf(names[count], "%s/%s", path, e->d_name);
        count++;
    }
    closedir(dir);
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        run_path(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            run_path(argv[i]);
    } else {
        const char *top = getenv("top_srcdir");
        static const char *const kinds[] = { "seeds", "regressions" };
        char path[4096];
        for (size_t i = 0; i < 2; i++) {
            struct stat st;
            snprintf(path, sizeof path, "%s/tests/fuzz/%s/%s", top ? top : ".",
                     kinds[i], FUZZ_TARGET);
            /* A target may have no regression yet. */
            if (i == 1 && stat(path, &st) < 0)
                continue;
            run_path(path);
        }
    }
    if (results == 0)
        result(FUZZ_TARGET, "no input found");
    printf("1..%lu\n", results);
    printf("# %s: %lu inputs, %lu failed\n", FUZZ_TARGET, results, failed);
    return failed > 255 ? 255 : (int)failed;
}
