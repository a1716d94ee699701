/*
 * driver.c - replays inputs through one fuzz target without libFuzzer, so
 * that "make check" runs every seed and every input that ever made a
 * target fail (tests/fuzz/regressions/TARGET/), with any compiler.
 *
 * Usage: replay-TARGET [FILE-OR-DIRECTORY]...  Without arguments it reads
 * $top_srcdir/tests/fuzz/seeds/TARGET and .../regressions/TARGET.
 * A failing input aborts (see FUZZ_CHECK), so the test fails naming it.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#  error "FUZZ_TARGET must name the target"
#endif

static unsigned long inputs;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t size = 0, cap = 0, got;

    if (f == NULL) {
        perror(path);
        return -1;
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
        perror(path);
        fclose(f);
        free(data);
        return -1;
    }
    fclose(f);
    /* Printed first: if the target aborts, the log names the input. */
    printf("%s (%zu bytes)\n", path, size);
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
    inputs++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
    struct stat st;
    DIR *dir;
    struct dirent *e;
    char **names = NULL;
    size_t count = 0;
    int rc = 0;

    if (stat(path, &st) < 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    dir = opendir(path);
    if (dir == NULL) {
        perror(path);
        return -1;
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
        if (run_path(names[i]) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (run_path(argv[i]) < 0)
                rc = 1;
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
            if (run_path(path) < 0)
                rc = 1;
        }
    }
    printf("%s: %lu inputs replayed\n", FUZZ_TARGET, inputs);
    if (inputs == 0) {
        fprintf(stderr, "%s: no input found\n", FUZZ_TARGET);
        rc = 1;
    }
    return rc;
}
