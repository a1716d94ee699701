/*
 * test_modelfile.c - saving and loading models, and classifying with them.
 *
 * Every check of the model file reader has a broken file here: cut short,
 * a bit flipped, a wrong version, a forged size, a value that is not a
 * number.  Broken payloads are built by unpacking a real file, changing a
 * few bytes and packing it again with correct checksums, so that the check
 * under test, and not a checksum, is what rejects them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "buffer.h"
#include "internal.h"
#include "littleendian.h"
#include "model.h"
#include "testutil.h"
#include "modelbytes.h"


/* Models trained once and shared by the tests (see main). */
static sentiment_model *trained;       /* buckets 4096, hidden 8 */
static sentiment_model *small;         /* buckets 16, hidden 2: a small file */
static sentiment_model *plain;         /* trained without batch normalization */
static tu_corpus corpus;               /* tests/data/tiny.tsv */

/* Texts beyond the corpus: empty, odd and broken input classifies too. */
static const char *const extra_texts[] = {
    "", "   ", "!!!", "wonderful", "awful awful awful", "caf\xC3\xA9 \xE2\x98\x85",
    "\xFF\xFE broken \xC3", "A PERFECTLY FINE HOTEL, 10/10",
    /* Every tokenizer rule has something to do here. */
    "Not good at all<br />see www.x.com or me@x.org, SOOOO bad!!!!! :-( don't 12345",
    "\xE8\xBF\x99\xE5\xAE\xB6\xE9\x85\x92\xE5\xBA\x97\xE5\xBE\x88\xE5\xA5\xBD "
    "very &amp; @bob it 's not bad but boring",
};

static int setup(void **state)
{
    static const char *const big_options[] = {
        "buckets", "4096", "epochs", "30", "hidden", "8", "validation", "0",
        "batch-size", "8", NULL};
    static const char *const small_options[] = {
        "buckets", "16", "hidden", "2", "epochs", "3", "validation", "0", NULL};
    static const char *const plain_options[] = {
        "buckets", "1024", "hidden", "4", "epochs", "5", "batchnorm", "0", NULL};
    char path[4096];

    (void)state;
    tu_tiny_path(path, sizeof path);
    tu_corpus_load(&corpus, path);
    trained = tu_train_file(path, big_options);
    small = tu_train_file(path, small_options);
    plain = tu_train_file(path, plain_options);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sentiment_model_free(trained);
    sentiment_model_free(small);
    sentiment_model_free(plain);
    tu_corpus_free(&corpus);
    return 0;
}

/* Checks that A and B classify TEXT alike: same label, bitwise equal
 * probabilities. */
static void expect_same_classification(sentiment_classifier *a, sentiment_classifier *b,
                                       size_t labels, const char *text)
{
    float pa[8], pb[8];
    size_t la, lb;
    sentiment_error err;

    assert_true(labels <= 8);
    assert_int_equal(sentiment_classify(a, text, strlen(text), &la, pa, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_classify(b, text, strlen(text), &lb, pb, &err), SENTIMENT_OK);
    if (la != lb || memcmp(pa, pb, labels * sizeof *pa) != 0)
        fail_msg("\"%s\": label %zu (p %.9g) before, %zu (p %.9g) after", text, la,
                 (double)pa[la], lb, (double)pb[lb]);
}

static void expect_same_model(const sentiment_model *a, const sentiment_model *b)
{
    sentiment_classifier *ca, *cb;
    sentiment_error err;
    size_t labels = sentiment_model_label_count(a);

    assert_int_equal(sentiment_model_label_count(b), labels);
    for (size_t k = 0; k < labels; k++)
        assert_string_equal(sentiment_model_label(a, k), sentiment_model_label(b, k));
    assert_int_equal(sentiment_classifier_create(&ca, a, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_classifier_create(&cb, b, &err), SENTIMENT_OK);
    for (size_t i = 0; i < corpus.count; i++)
        expect_same_classification(ca, cb, labels, corpus.text[i]);
    for (size_t i = 0; i < sizeof extra_texts / sizeof extra_texts[0]; i++)
        expect_same_classification(ca, cb, labels, extra_texts[i]);
    sentiment_classifier_free(ca);
    sentiment_classifier_free(cb);
}

static void test_model_round_trip_classifies_every_text_identically(void **state)
{
    const sentiment_model *models[] = {trained, small, plain};
    char path[4096];

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        sentiment_model *loaded;
        sentiment_error err;
        tu_save_temp(models[i], path, sizeof path);
        if (sentiment_model_load(&loaded, path, &err) != SENTIMENT_OK)
            fail_msg("load %s: %s", path, err.message);
        expect_same_model(models[i], loaded);
        sentiment_model_free(loaded);
        unlink(path);
    }
}

static void test_model_saved_again_after_loading_is_byte_identical(void **state)
{
    sentiment_model *loaded;
    sentiment_error err;
    unsigned char *first, *second;
    size_t n1, n2;

    (void)state;
    first = tu_model_bytes(trained, &n1);
    assert_int_equal(sentiment_model_load_buffer(&loaded, first, n1, &err), SENTIMENT_OK);
    second = tu_model_bytes(loaded, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(first, second, n1);
    assert_memory_equal(first, "SNTMODEL", 8);
    sentiment_model_free(loaded);
    free(first);
    free(second);
}

static void test_model_load_buffer_equals_load_from_file(void **state)
{
    sentiment_model *from_file, *from_buffer;
    sentiment_error err;
    char path[4096];
    unsigned char *data;
    size_t size;

    (void)state;
    tu_save_temp(trained, path, sizeof path);
    data = tu_read_file(path, &size);
    assert_int_equal(sentiment_model_load(&from_file, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_model_load_buffer(&from_buffer, data, size, &err),
                     SENTIMENT_OK);
    /* The buffer is not kept: overwrite it before classifying. */
    memset(data, 0xA5, size);
    free(data);
    expect_same_model(from_file, from_buffer);
    sentiment_model_free(from_file);
    sentiment_model_free(from_buffer);
    unlink(path);
}

static void test_model_keeps_labels_and_finds_them_by_name(void **state)
{
    (void)state;
    assert_int_equal(sentiment_model_label_count(trained), 2);
    assert_string_equal(sentiment_model_label(trained, 0), "neg");
    assert_string_equal(sentiment_model_label(trained, 1), "pos");
    assert_null(sentiment_model_label(trained, 2));
    assert_int_equal(sentiment_model_find_label(trained, "pos", 3), 1);
    assert_int_equal(sentiment_model_find_label(trained, "neg", 3), 0);
    assert_int_equal(sentiment_model_find_label(trained, "po", 2), -1);
    assert_int_equal(sentiment_model_find_label(trained, "posx", 3), 1);
    assert_int_equal(sentiment_model_find_label(trained, "positive", 8), -1);
    assert_int_equal(sentiment_model_find_label(trained, NULL, 0), -1);
    assert_int_equal(sentiment_model_label_count(NULL), 0);
    assert_null(sentiment_model_label(NULL, 0));
    sentiment_model_free(NULL);
    sentiment_classifier_free(NULL);
}

static void test_classify_accepts_null_label_or_probabilities(void **state)
{
    sentiment_classifier *c;
    sentiment_error err;
    float probs[2];
    size_t label, again;

    (void)state;
    assert_int_equal(sentiment_classifier_create(&c, trained, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_classify(c, "great", 5, &label, NULL, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_classify(c, "great", 5, NULL, probs, &err), SENTIMENT_OK);
    assert_true(fabsf(probs[0] + probs[1] - 1) < 1e-6f);
    assert_int_equal(sentiment_classify(c, "great", 5, &again, probs, &err), SENTIMENT_OK);
    assert_int_equal(again, label);
    assert_true(probs[label] >= probs[1 - label]);
    /* No text at all is an empty text; a NULL text with a length is not. */
    assert_int_equal(sentiment_classify(c, NULL, 0, &label, probs, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_classify(c, NULL, 3, &label, probs, &err),
                     SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_classify(NULL, "x", 1, &label, probs, &err),
                     SENTIMENT_ERR_INVALID);
    sentiment_classifier_free(c);
    assert_int_equal(sentiment_classifier_create(&c, NULL, &err), SENTIMENT_ERR_INVALID);
}

/* Loads SIZE bytes of DATA from a copy of exactly that size, so that a read
 * past the end is caught by the memory checkers. */
static int load_exact(const unsigned char *data, size_t size, sentiment_error *err)
{
    unsigned char *copy = malloc(size ? size : 1);
    sentiment_model *m = (sentiment_model *)&m;
    int rc;

    assert_non_null(copy);
    memcpy(copy, data, size);
    rc = sentiment_model_load_buffer(&m, copy, size, err);
    free(copy);
    if (rc != SENTIMENT_OK)
        assert_null(m);
    sentiment_model_free(rc == SENTIMENT_OK ? m : NULL);
    return rc;
}

static void test_model_load_rejects_every_truncation(void **state)
{
    unsigned char *data;
    size_t size;
    char path[4096];

    (void)state;
    data = tu_model_bytes(small, &size);
    print_message("small model file: %zu bytes\n", size);
    assert_true(size > TU_HEADER_SIZE && size < 4096);
    for (size_t len = 0; len < size; len++) {
        sentiment_error err;
        int rc;
        memset(&err, 0, sizeof err);
        rc = load_exact(data, len, &err);
        if (rc != SENTIMENT_ERR_CORRUPT && rc != SENTIMENT_ERR_VERSION)
            fail_msg("a file cut to %zu of %zu bytes gave status %d (%s)", len, size, rc,
                     err.message);
        assert_int_equal(err.code, rc);
        assert_non_null(strstr(err.message, "(buffer)"));
    }
    assert_int_equal(load_exact(data, size, NULL), SENTIMENT_OK);

    /* From a file, the message names it. */
    tu_temp_path(path, sizeof path);
    for (size_t len = 0; len < size; len += size / 7) {
        sentiment_model *m;
        sentiment_error err;
        tu_write_file(path, data, len);
        assert_int_equal(sentiment_model_load(&m, path, &err), SENTIMENT_ERR_CORRUPT);
        assert_null(m);
        assert_non_null(strstr(err.message, path));
    }
    unlink(path);
    free(data);
}

static void test_model_load_rejects_every_single_bit_flip(void **state)
{
    size_t undetected = 0;

    (void)state;
    /* Several small models: where the compressed stream ends inside its
     * last byte differs from one file to the next, and the unused bits of
     * that byte must be covered as well. */
    for (int seed = 1; seed <= 4; seed++) {
        char seed_text[8];
        const char *const options[] = {
            "buckets", "16", "hidden", "2", "epochs", "3", "validation", "0",
            "seed", seed_text, NULL};
        sentiment_model *m;
        unsigned char *data;
        size_t size, first = 0, count = 0;

        snprintf(seed_text, sizeof seed_text, "%d", seed);
        m = tu_train_tiny(options);
        data = tu_model_bytes(m, &size);
        for (size_t bit = 0; bit < 8 * size; bit++) {
            sentiment_error err;
            int rc;
            data[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            rc = load_exact(data, size, &err);
            data[bit / 8] ^= (unsigned char)(1u << (bit % 8));
            if (rc == SENTIMENT_OK) {
                if (count++ == 0)
                    first = bit;
                continue;
            }
            if (rc != SENTIMENT_ERR_CORRUPT && rc != SENTIMENT_ERR_VERSION)
                fail_msg("flipping bit %zu gave status %d (%s)", bit, rc, err.message);
            assert_int_equal(err.code, rc);
        }
        if (count > 0)
            print_message("seed %d: %zu single-bit flips load without an error, the "
                          "first is bit %zu of byte %zu of %zu\n", seed, count,
                          first % 8, first / 8, size);
        undetected += count;
        assert_int_equal(load_exact(data, size, NULL), SENTIMENT_OK);
        free(data);
        sentiment_model_free(m);
    }
    if (undetected > 0)
        fail_msg("%zu single-bit flips were not detected: the unused bits after the "
                 "last deflate block are covered by no checksum", undetected);
}

static void test_model_load_says_when_a_file_is_not_a_model(void **state)
{
    static const char *const contents[] = {
        "pos\tthis is a corpus, not a model file, and it is long enough\n",
        "SNTMODE", /* shorter than the magic */
        "",
    };
    char path[4096];

    (void)state;
    tu_temp_path(path, sizeof path);
    for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        sentiment_model *m;
        sentiment_error err;
        tu_write_file(path, contents[i], strlen(contents[i]));
        assert_int_equal(sentiment_model_load(&m, path, &err), SENTIMENT_ERR_CORRUPT);
        assert_null(m);
        assert_int_equal(err.code, SENTIMENT_ERR_CORRUPT);
        if (strstr(err.message, "not a libsentiment model") == NULL ||
            strstr(err.message, path) == NULL)
            fail_msg("unexpected message \"%s\"", err.message);
    }
    unlink(path);
}

static void test_model_load_names_a_missing_file(void **state)
{
    sentiment_model *m;
    sentiment_error err;
    char path[4096];

    (void)state;
    snprintf(path, sizeof path, "%s/libsentiment-missing-dir/none.model", tu_tmpdir());
    assert_int_equal(sentiment_model_load(&m, path, &err), SENTIMENT_ERR_IO);
    assert_null(m);
    assert_int_equal(err.code, SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, path));
    /* A directory is no model either. */
    assert_int_equal(sentiment_model_load(&m, tu_tmpdir(), &err), SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, tu_tmpdir()));
    assert_int_equal(sentiment_model_load(NULL, path, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_model_load_buffer(&m, NULL, 10, &err), SENTIMENT_ERR_INVALID);
}

/* The names in DIR other than "." and "..", as a count; the first goes to
 * NAME. */
static size_t list_dir(const char *dir, char *name, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n++ == 0)
            snprintf(name, size, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static void test_model_save_replaces_a_file_without_leaving_temporaries(void **state)
{
    char dir[4096], path[4200], name[256], bad[4400];
    sentiment_model *m;
    sentiment_error err;
    struct stat st;

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.bin", dir);
    tu_write_file(path, "old contents", 12);
    assert_int_equal(sentiment_model_save(small, path, &err), SENTIMENT_OK);
    assert_int_equal(sentiment_model_save(trained, path, &err), SENTIMENT_OK);
    assert_int_equal(list_dir(dir, name, sizeof name), 1);
    assert_string_equal(name, "model.bin");
    assert_int_equal(sentiment_model_load(&m, path, &err), SENTIMENT_OK);
    expect_same_model(trained, m);
    sentiment_model_free(m);
    /* An ordinary file, readable as the umask allows, not mkstemp's 0600. */
    {
        mode_t mask = umask(022);
        umask(mask);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    }

    /* A save that cannot happen leaves nothing behind and names the path. */
    snprintf(bad, sizeof bad, "%s/no-such-dir/model.bin", dir);
    assert_int_equal(sentiment_model_save(trained, bad, &err), SENTIMENT_ERR_IO);
    assert_int_equal(err.code, SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, bad));
    assert_int_equal(list_dir(dir, name, sizeof name), 1);
    assert_int_equal(sentiment_model_save(NULL, path, &err), SENTIMENT_ERR_INVALID);
    assert_int_equal(sentiment_model_save(trained, NULL, &err), SENTIMENT_ERR_INVALID);

    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* Expects PATH to hold a model that loads as MODEL. */
static void expect_model_at(const char *path, const sentiment_model *model)
{
    sentiment_model *m;
    sentiment_error err;

    if (sentiment_model_load(&m, path, &err) != SENTIMENT_OK)
        fail_msg("%s does not load: %s", path, err.message);
    expect_same_model(model, m);
    sentiment_model_free(m);
}

static void test_model_save_keeps_the_mode_and_owner_of_the_file_it_replaces(void **state)
{
    char dir[4096], path[4200], name[256];
    struct stat st;
    mode_t mask;

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.bin", dir);
    mask = umask(027);
    assert_int_equal(sentiment_model_save(small, path, NULL), SENTIMENT_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640); /* a new file: 0666 less the umask */

    umask(022);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(sentiment_model_save(trained, path, NULL), SENTIMENT_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(sentiment_model_save(small, path, NULL), SENTIMENT_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0604);
    /* Only root may give a file away; others keep what fchown allows. */
    if (geteuid() == 0) {
        assert_int_equal(chown(path, 1234, 5678), 0);
        assert_int_equal(sentiment_model_save(trained, path, NULL), SENTIMENT_OK);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_uid, 1234);
        assert_int_equal(st.st_gid, 5678);
        assert_int_equal(st.st_mode & 07777, 0604);
    }
    umask(mask);
    expect_model_at(path, geteuid() == 0 ? trained : small);
    assert_int_equal(list_dir(dir, name, sizeof name), 1);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

static void test_model_save_through_a_symbolic_link_replaces_its_target(void **state)
{
    char dir[4096], real[4200], links[4200], target[4300], link[4300], chain[4300];
    char name[256];
    struct stat st;

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(real, sizeof real, "%s/real", dir);
    snprintf(links, sizeof links, "%s/links", dir);
    assert_int_equal(mkdir(real, 0777), 0);
    assert_int_equal(mkdir(links, 0777), 0);
    snprintf(target, sizeof target, "%s/model.bin", real);
    snprintf(link, sizeof link, "%s/model.bin", links);
    snprintf(chain, sizeof chain, "%s/chain", links);

    /* A relative link in another directory, to a model. */
    assert_int_equal(sentiment_model_save(small, target, NULL), SENTIMENT_OK);
    assert_int_equal(symlink("../real/model.bin", link), 0);
    assert_int_equal(sentiment_model_save(trained, link, NULL), SENTIMENT_OK);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    expect_model_at(target, trained);
    assert_int_equal(list_dir(real, name, sizeof name), 1);
    assert_int_equal(list_dir(links, name, sizeof name), 1);

    /* A chain of two links, the last to a file that does not exist yet. */
    unlink(target);
    assert_int_equal(symlink("model.bin", chain), 0);
    assert_int_equal(sentiment_model_save(small, chain, NULL), SENTIMENT_OK);
    assert_int_equal(lstat(chain, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    expect_model_at(target, small);
    assert_int_equal(list_dir(real, name, sizeof name), 1);
    assert_int_equal(list_dir(links, name, sizeof name), 2);

    /* A loop is an error, not a hang. */
    unlink(link);
    assert_int_equal(symlink("chain", link), 0);
    assert_int_equal(sentiment_model_save(small, chain, NULL), SENTIMENT_ERR_IO);
    assert_int_equal(list_dir(links, name, sizeof name), 2);

    unlink(chain);
    unlink(link);
    unlink(target);
    assert_int_equal(rmdir(real), 0);
    assert_int_equal(rmdir(links), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void test_model_save_refuses_a_path_that_is_not_a_regular_file(void **state)
{
    char dir[4096], fifo[4200], link[4200], sub[4200], name[256];
    sentiment_error err;
    struct stat st;

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(sub, sizeof sub, "%s/sub", dir);
    assert_int_equal(mkfifo(fifo, 0666), 0);
    assert_int_equal(symlink("fifo", link), 0);
    assert_int_equal(mkdir(sub, 0777), 0);

    assert_int_equal(sentiment_model_save(small, fifo, &err), SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, fifo));
    assert_non_null(strstr(err.message, "not a regular file"));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));

    assert_int_equal(sentiment_model_save(small, link, &err), SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, "not a regular file"));
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));

    assert_int_equal(sentiment_model_save(small, sub, &err), SENTIMENT_ERR_IO);
    assert_non_null(strstr(err.message, sub));
    assert_int_equal(stat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));

    /* Nothing but the three that were there. */
    assert_int_equal(list_dir(dir, name, sizeof name), 3);
    assert_int_equal(rmdir(sub), 0);
    unlink(link);
    unlink(fifo);
    assert_int_equal(rmdir(dir), 0);
}

/* A write that fails (here on the file size limit, with SIGXFSZ ignored as
 * sentiment-train ignores it) leaves the old model whole and no temporary. */
static void test_model_save_failing_on_the_file_size_limit_leaves_no_temporary(void **state)
{
    char dir[4096], path[4200], name[256];
    unsigned char *before, *after;
    size_t before_size, after_size;
    int status;
    pid_t pid;

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.bin", dir);
    assert_int_equal(sentiment_model_save(small, path, NULL), SENTIMENT_OK);
    before = tu_read_file(path, &before_size);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit limit = { before_size + 100, before_size + 100 };
        sentiment_error err;
        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0)
            _exit(3);
        if (sentiment_model_save(trained, path, &err) != SENTIMENT_ERR_IO)
            _exit(1);
        _exit(strstr(err.message, strerror(EFBIG)) != NULL ? 0 : 2);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("the save over the limit did not fail as expected; status %#x", status);
    after = tu_read_file(path, &after_size);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    assert_int_equal(list_dir(dir, name, sizeof name), 1);
    free(before);
    free(after);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* Saves TRAINED over a copy of SMALL at PATH in a child process that kills
 * itself with SIGKILL after KILL_AFTER bytes; the old model must survive
 * whole, and the temporary file must hold exactly the bytes written. */
static void expect_old_model_after_kill(const char *dir, const char *path,
                                        unsigned long kill_after)
{
    unsigned char *before, *after;
    size_t before_size, after_size;
    char name[256], tmp[4400];
    sentiment_model *m;
    sentiment_error err;
    struct stat st;
    int status;
    pid_t pid;

    before = tu_read_file(path, &before_size);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sn_save_kill_after = kill_after;
        sentiment_model_save(trained, path, NULL);
        _exit(0); /* not reached: the save kills the process */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail_msg("the save was to be killed after %lu bytes; status %#x", kill_after,
                 status);

    after = tu_read_file(path, &after_size);
    assert_int_equal(after_size, before_size);
    assert_memory_equal(after, before, before_size);
    assert_int_equal(sentiment_model_load(&m, path, &err), SENTIMENT_OK);
    expect_same_model(small, m);
    sentiment_model_free(m);

    /* The kill landed mid-write: beside the model, the temporary holds
     * exactly what was written.  (Nothing can remove it after SIGKILL.) */
    assert_int_equal(list_dir(dir, name, sizeof name), 2);
    {
        DIR *d = opendir(dir);
        struct dirent *e;
        name[0] = '\0';
        assert_non_null(d);
        while ((e = readdir(d)) != NULL)
            if (strncmp(e->d_name, "model.bin.tmp.", 14) == 0)
                snprintf(name, sizeof name, "%s", e->d_name);
        closedir(d);
    }
    assert_true(name[0] != '\0');
    snprintf(tmp, sizeof tmp, "%s/%s", dir, name);
    assert_int_equal(stat(tmp, &st), 0);
    assert_int_equal((unsigned long)st.st_size, kill_after);
    unlink(tmp);
    free(before);
    free(after);
}

static void test_model_save_killed_mid_write_leaves_the_old_model_whole(void **state)
{
    char dir[4096], path[4200];
    size_t size;
    unsigned char *data = tu_model_bytes(trained, &size);
    /* In the header, right after it, in the middle, one byte short. */
    const unsigned long points[] = { 1, 40, 41, size / 2, size - 1 };

    (void)state;
    free(data);
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.bin", dir);
    assert_int_equal(sentiment_model_save(small, path, NULL), SENTIMENT_OK);
    for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
        expect_old_model_after_kill(dir, path, points[i]);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- tokenizer and vectorizer settings --------------------------------- */

/* Expects the word lists A and B to hold the same entries in the same
 * lists. */
static void expect_same_lexicon(const sn_lexicon *a, const sn_lexicon *b)
{
    assert_int_equal(a->words.count, b->words.count);
    for (size_t i = 0; i < a->words.count; i++) {
        const char *word = a->words.string[i];
        size_t len = a->words.length[i];
        if (sn_lexicon_lookup(b, word, len) != a->classes[i])
            fail_msg("entry \"%.*s\" in lists %u before, %u after", (int)len, word,
                     (unsigned)a->classes[i], (unsigned)sn_lexicon_lookup(b, word, len));
    }
}

static void expect_same_settings(const sentiment_model *a, const sentiment_model *b)
{
    assert_int_equal(b->tokenizer.rules, SN_TOKENIZER_RULES);
    assert_int_equal(a->tokenizer.rules, b->tokenizer.rules);
    assert_int_equal(a->tokenizer.flags, b->tokenizer.flags);
    expect_same_lexicon(&a->lexicon, &b->lexicon);
    assert_int_equal(a->vectorizer.bucket_bits, b->vectorizer.bucket_bits);
    assert_int_equal(a->vectorizer.ngrams, b->vectorizer.ngrams);
    assert_int_equal(a->vectorizer.char_ngrams, b->vectorizer.char_ngrams);
    assert_int_equal(a->vectorizer.weighting, b->vectorizer.weighting);
    assert_int_equal(a->vectorizer.normalize, b->vectorizer.normalize);
    assert_int_equal(a->vectorizer.stem, b->vectorizer.stem);
    assert_true(a->vectorizer.seed == b->vectorizer.seed);
}

/* Saves M, loads it back and returns the copy. */
static sentiment_model *round_trip(const sentiment_model *m)
{
    sentiment_model *loaded;
    sentiment_error err;
    unsigned char *data;
    size_t size;

    data = tu_model_bytes(m, &size);
    if (sentiment_model_load_buffer(&loaded, data, size, &err) != SENTIMENT_OK)
        fail_msg("load: %s", err.message);
    free(data);
    return loaded;
}

static void test_model_round_trip_keeps_the_default_settings_and_word_lists(void **state)
{
    sentiment_model *loaded;
    sn_lexicon builtin;
    sentiment_error err;

    (void)state;
    loaded = round_trip(trained);
    expect_same_settings(trained, loaded);
    assert_int_equal(loaded->tokenizer.flags, SN_TOK_ALL);
    /* A model trained with the defaults holds the built-in lists. */
    sn_lexicon_init(&builtin);
    assert_int_equal(sn_lexicon_load_default(&builtin, &err), SENTIMENT_OK);
    expect_same_lexicon(&builtin, &loaded->lexicon);
    sn_lexicon_release(&builtin);
    sentiment_model_free(loaded);
}

static void test_model_round_trip_keeps_every_tokenizer_and_vectorizer_setting(void **state)
{
    char dir[4096], path[4200];
    sentiment_model *m, *loaded;

    (void)state;
    /* Lists of its own: an entry in two lists, a list left empty. */
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/contrast.txt", dir);
    tu_write_file(path, "", 0);
    snprintf(path, sizeof path, "%s/negation.txt", dir);
    tu_write_file(path, "nope\nnot\nhardly\n", strlen("nope\nnot\nhardly\n"));
    snprintf(path, sizeof path, "%s/intensifiers.txt", dir);
    tu_write_file(path, "mega\nhardly\n", strlen("mega\nhardly\n"));
    snprintf(path, sizeof path, "%s/emoticons.txt", dir);
    tu_write_file(path, ":o)\n<3\n", strlen(":o)\n<3\n"));
    {
        const char *const options[] = {
            "buckets", "256", "hidden", "4", "epochs", "2", "validation", "0",
            "ngrams", "3", "char-ngrams", "2", "weighting", "logtf", "normalize", "0",
            "html", "0", "clitics", "0", "seed", "77", "stem", "7", "lexicons", dir,
            NULL};
        m = tu_train_tiny(options);
    }
    assert_int_equal(m->tokenizer.flags, SN_TOK_ALL & ~(SN_TOK_HTML | SN_TOK_CLITICS));
    assert_int_equal(m->lexicon.words.count, 6);
    loaded = round_trip(m);
    expect_same_settings(m, loaded);
    assert_int_equal(loaded->vectorizer.bucket_bits, 8);
    assert_int_equal(loaded->vectorizer.ngrams, 3);
    assert_int_equal(loaded->vectorizer.char_ngrams, 2);
    assert_int_equal(loaded->vectorizer.weighting, SN_WEIGHT_LOGTF);
    assert_int_equal(loaded->vectorizer.normalize, 0);
    assert_int_equal(loaded->vectorizer.stem, 7);
    assert_int_equal(sn_lexicon_lookup(&loaded->lexicon, "hardly", 6),
                     SN_LEX_NEGATION | SN_LEX_INTENSIFIER);
    assert_int_equal(sn_lexicon_lookup(&loaded->lexicon, ":o)", 3), SN_LEX_EMOTICON);
    assert_int_equal(sn_lexicon_lookup(&loaded->lexicon, "but", 3), 0);
    expect_same_model(m, loaded);
    sentiment_model_free(loaded);
    sentiment_model_free(m);

    for (int k = 0; k < SN_LEX_CLASSES; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, sn_lexicon_files[k]);
        unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* A row of the table of sections in sentiment-model(5): the tag, padded
 * with spaces to 4 bytes as in a file, and which models hold the section
 * ("all", "float" or "quantized"). */
typedef struct man_section {
    char tag[5];
    char models[16];
} man_section;

/* The rows of that table, read from the man page's source; the count. */
static size_t read_man_sections(man_section *rows, size_t most)
{
    char path[4096], line[512];
    int in_payload = 0, in_table = 0;
    size_t n = 0;
    FILE *f;

    tu_source_path(path, sizeof path, "man/sentiment-model.5.in");
    f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot read %s", path);
    while (fgets(line, sizeof line, f) != NULL) {
        char tag[8], models[16];
        if (strncmp(line, ".SS Payload", 11) == 0)
            in_payload = 1;
        else if (in_payload && strncmp(line, ".TS", 3) == 0)
            in_table = 1;
        else if (in_table && strncmp(line, ".TE", 3) == 0)
            break;
        else if (in_table && strchr(line, '\t') != NULL &&
                 sscanf(line, "%7[^\t]\t%15[^\t]", tag, models) == 2 &&
                 strcmp(tag, "tag") != 0) {
            assert_true(n < most);
            assert_true(strlen(tag) <= 4);
            if (strcmp(models, "all") != 0 && strcmp(models, "float") != 0 &&
                strcmp(models, "quantized") != 0)
                fail_msg("section %s: unknown models '%s' in %s", tag, models, path);
            snprintf(rows[n].tag, sizeof rows[n].tag, "%-4s", tag);
            snprintf(rows[n].models, sizeof rows[n].models, "%s", models);
            n++;
        }
    }
    fclose(f);
    if (n == 0)
        fail_msg("no table of sections under Payload in %s", path);
    return n;
}

/* The table of sections in sentiment-model(5) is what is written: the
 * same tags, in the same order, in float and quantized models, with and
 * without stems (format versions 1, 2 and 3). */
static void test_model_file_holds_the_sections_of_the_man_page_in_its_order(void **state)
{
    static const char *const bits[] = {"0", "8"}, *const stems[] = {"0", "5"};
    man_section rows[32];
    size_t count = read_man_sections(rows, 32);

    (void)state;
    for (size_t q = 0; q < 2; q++)
        for (size_t s = 0; s < 2; s++) {
            const char *const options[] = {
                "buckets", "256", "hidden", "4", "epochs", "2", "validation", "0",
                "quantize", bits[q], "stem", stems[s], NULL};
            sentiment_model *m = tu_train_tiny(options);
            size_t size, len, pos = 0;
            unsigned char *file = tu_model_bytes(m, &size);
            unsigned char *payload = tu_unpack(file, &len);

            for (size_t r = 0; r < count; r++) {
                if (strcmp(rows[r].models, "all") != 0 &&
                    strcmp(rows[r].models, q ? "quantized" : "float") != 0)
                    continue;
                assert_true(pos + 12 <= len);
                if (memcmp(payload + pos, rows[r].tag, 4) != 0)
                    fail_msg("a %s model (version %u) holds '%.4s' where the man page "
                             "has '%s'", q ? "quantized" : "float",
                             (unsigned)tu_get32(file + 8), (const char *)payload + pos,
                             rows[r].tag);
                pos += 12 + (size_t)(tu_get32(payload + pos + 4) |
                                     (uint64_t)tu_get32(payload + pos + 8) << 32);
            }
            if (pos != len)
                fail_msg("a %s model holds sections after those of the man page",
                         q ? "quantized" : "float");
            free(payload);
            free(file);
            sentiment_model_free(m);
        }
}

/* A model is written in the oldest format version that holds it, so that
 * libraries from before word stems still read the models that have none,
 * and refuse by the version those that have them. */
static void test_model_without_stems_keeps_the_first_format_version(void **state)
{
    static const char *const stem_lengths[] = {"0", "5"};
    static const uint32_t versions[] = {1, 3};

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        const char *const options[] = {
            "buckets", "256", "hidden", "4", "epochs", "2", "validation", "0",
            "stem", stem_lengths[i], NULL};
        sentiment_model *m = tu_train_tiny(options), *loaded;
        unsigned char *file;
        size_t size, vect;

        file = tu_model_bytes(m, &size);
        assert_int_equal(tu_get32(file + 8), versions[i]);
        {
            unsigned char *payload = tu_unpack(file, &size);
            tu_section(payload, size, "VECT", &vect);
            assert_int_equal(vect, i == 0 ? 28 : 32);
            free(payload);
        }
        loaded = round_trip(m);
        expect_same_settings(m, loaded);
        expect_same_model(m, loaded);
        sentiment_model_free(loaded);
        sentiment_model_free(m);
        free(file);
    }
}

static void test_model_trained_with_a_rule_off_classifies_as_before_saving(void **state)
{
    static const char *const rules[] = {
        "negation", "html", "placeholders", "elongation", "emoticons", "clitics"};
    static const uint32_t flags[] = {
        SN_TOK_NEGATION, SN_TOK_HTML, SN_TOK_PLACEHOLDERS, SN_TOK_ELONGATION,
        SN_TOK_EMOTICONS, SN_TOK_CLITICS};

    (void)state;
    for (size_t r = 0; r < sizeof rules / sizeof rules[0]; r++) {
        const char *const options[] = {
            "buckets", "1024", "hidden", "4", "epochs", "5", "validation", "0",
            rules[r], "0", NULL};
        sentiment_model *m = tu_train_tiny(options), *loaded;
        assert_int_equal(m->tokenizer.flags, SN_TOK_ALL & ~flags[r]);
        loaded = round_trip(m);
        assert_int_equal(loaded->tokenizer.flags, SN_TOK_ALL & ~flags[r]);
        expect_same_model(m, loaded);
        sentiment_model_free(loaded);
        sentiment_model_free(m);
    }
}

static void test_model_classifies_with_the_rules_it_was_trained_with(void **state)
{
    const char *const options[] = {
        "buckets", "1024", "hidden", "4", "epochs", "5", "validation", "0",
        "negation", "0", NULL};
    const char *text = "not good, not bad, never again";
    sentiment_model *m = tu_train_tiny(options), *loaded;
    float before[2], after[2];

    (void)state;
    loaded = round_trip(m);
    /* Turning negation marking back on in the loaded copy changes what
     * it makes of a negated text: the stored flags are the ones in use. */
    tu_classify(loaded, text, before);
    loaded->tokenizer.flags |= SN_TOK_NEGATION;
    tu_classify(loaded, text, after);
    assert_memory_not_equal(before, after, sizeof before);
    sentiment_model_free(loaded);
    sentiment_model_free(m);
}

/* ---- broken files with valid checksums ----------------------------------- */

/* Loads FILE and expects CODE with WORDS in the message. */
static void expect_load_error(const unsigned char *file, size_t size, int code,
                              const char *words)
{
    sentiment_error err;
    int rc;

    memset(&err, 0, sizeof err);
    rc = load_exact(file, size, &err);
    if (rc != code || strstr(err.message, words) == NULL)
        fail_msg("status %d \"%s\"; expected %d with \"%s\"", rc, err.message, code, words);
}

typedef void (*damage_fn)(unsigned char *payload, size_t *len);

/* Damages the payload of the small model with DAMAGE, packs it with valid
 * checksums and expects CODE and WORDS when loading it. */
static void expect_damage_rejected(damage_fn damage, int code, const char *words)
{
    unsigned char *file, *payload, *broken;
    size_t size, len, broken_size;

    file = tu_model_bytes(small, &size);
    payload = tu_unpack(file, &len);
    damage(payload, &len);
    broken = tu_pack(payload, len, tu_get32(file + 8), &broken_size);
    expect_load_error(broken, broken_size, code, words);
    free(broken);
    free(payload);
    free(file);
}

static void newer_tokenizer_rules(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "TOKN", &n), SN_TOKENIZER_RULES + 1);
}

static void older_tokenizer_rules(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "TOKN", &n), 1);
}

static void unknown_tokenizer_flag(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "TOKN", &n) + 4, SN_TOK_ALL + 1);
}

/* The first word-list entry: its classes, then its length. */
static unsigned char *first_entry(unsigned char *p, size_t len)
{
    size_t n;
    unsigned char *s = tu_section(p, len, "TOKN", &n);
    assert_true(tu_get32(s + 8) > 0);
    return s + 12;
}

static void entry_in_no_list(unsigned char *p, size_t *len)
{
    tu_put32(first_entry(p, *len), 0);
}

static void entry_in_an_unknown_list(unsigned char *p, size_t *len)
{
    tu_put32(first_entry(p, *len), 16);
}

static void entry_longer_than_63_bytes(unsigned char *p, size_t *len)
{
    tu_put32(first_entry(p, *len) + 4, SN_LEX_MAX_ENTRY + 1);
}

static void empty_entry(unsigned char *p, size_t *len)
{
    tu_put32(first_entry(p, *len) + 4, 0);
}

/* The first entry is "not", a negation cue: as an emoticon it would start
 * with a letter. */
static void emoticon_starting_with_a_letter(unsigned char *p, size_t *len)
{
    unsigned char *e = first_entry(p, *len);
    assert_memory_equal(e + 8, "not", 3);
    tu_put32(e, SN_LEX_EMOTICON);
}

static void entry_with_a_space(unsigned char *p, size_t *len)
{
    unsigned char *e = first_entry(p, *len);
    assert_true(tu_get32(e + 4) >= 3);
    e[8 + 1] = ' ';
}

static void too_many_entries(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "TOKN", &n) + 8, 0x10000000);
}

static void one_entry_fewer_than_stored(unsigned char *p, size_t *len)
{
    size_t n;
    unsigned char *s = tu_section(p, *len, "TOKN", &n);
    tu_put32(s + 8, tu_get32(s + 8) - 1);
}

static void char_ngrams_zero(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "VECT", &n) + 8, 0);
}

static void char_ngrams_six(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "VECT", &n) + 8, SN_MAX_NGRAMS + 1);
}

static void unknown_weighting(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "VECT", &n) + 12, 2);
}

static void normalize_two(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "VECT", &n) + 16, 2);
}

/* The VECT section without its last field, as an older format version
 * would have it. */
static void vectorizer_section_of_the_old_size(unsigned char *p, size_t *len)
{
    size_t n = 0;
    unsigned char *s = tu_section(p, *len, "VECT", &n);
    assert_true(n >= 28);
    memmove(s + n - 4, s + n, *len - (size_t)(s + n - p));
    *len -= 4;
    tu_put64(s - 8, n - 4);
}

/* In format version 3 the stem length follows the seed. */
static void stem_zero(unsigned char *p, size_t *len)
{
    size_t n;
    unsigned char *s = tu_section(p, *len, "VECT", &n);
    assert_int_equal(n, 32);
    tu_put32(s + 28, 0);
}

static void stem_too_long(unsigned char *p, size_t *len)
{
    size_t n;
    unsigned char *s = tu_section(p, *len, "VECT", &n);
    assert_int_equal(n, 32);
    tu_put32(s + 28, SN_MAX_STEM + 1);
}

static void too_many_buckets(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "VECT", &n), 40);
}

static void ngrams_zero(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "VECT", &n) + 4, 0);
}

static void not_a_number_in_w1(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "W1  ", &n) + 8, 0x7FC00000); /* NaN */
}

static void infinity_in_dense(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "DENS", &n) + 4, 0x7F800000);
}

static void duplicate_label(unsigned char *p, size_t *len)
{
    size_t n;
    unsigned char *s = tu_section(p, *len, "LABL", &n);
    /* count, then "neg", then "pos": make the second "neg" too. */
    assert_int_equal(tu_get32(s), 2);
    assert_memory_equal(s + 4 + 4 + 3 + 4, "pos", 3);
    memcpy(s + 4 + 4 + 3 + 4, "neg", 3);
}

static void label_with_a_tab(unsigned char *p, size_t *len)
{
    size_t n;
    memcpy(tu_section(p, *len, "LABL", &n) + 8, "n\tg", 3);
}

static void zero_labels(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "LABL", &n), 0);
}

static void wider_hidden_layer(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "NETW", &n) + 4, 3);
}

static void more_outputs_than_labels(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "NETW", &n) + 8, 3);
}

static void unknown_network_flag(unsigned char *p, size_t *len)
{
    size_t n;
    tu_put32(tu_section(p, *len, "NETW", &n) + 12, 6);
}

static void bytes_after_the_last_section(unsigned char *p, size_t *len)
{
    memcpy(p + *len, "JUNK", 4);
    *len += 4;
}

static void last_section_missing(unsigned char *p, size_t *len)
{
    size_t n;
    unsigned char *s = tu_section(p, *len, "BNST", &n);
    *len = (size_t)(s - 12 - p);
}

static void sections_swapped(unsigned char *p, size_t *len)
{
    size_t n;
    memcpy(tu_section(p, *len, "TOKN", &n) - 12, "VECT", 4);
}

static void test_model_load_rejects_damaged_payloads_with_valid_checksums(void **state)
{
    (void)state;
    expect_damage_rejected(newer_tokenizer_rules, SENTIMENT_ERR_VERSION, "tokenizer");
    expect_damage_rejected(older_tokenizer_rules, SENTIMENT_ERR_VERSION, "tokenizer");
    expect_damage_rejected(unknown_tokenizer_flag, SENTIMENT_ERR_CORRUPT, "tokenizer flags");
    expect_damage_rejected(entry_in_no_list, SENTIMENT_ERR_CORRUPT, "word-list entry");
    expect_damage_rejected(entry_in_an_unknown_list, SENTIMENT_ERR_CORRUPT, "word-list entry");
    expect_damage_rejected(entry_longer_than_63_bytes, SENTIMENT_ERR_CORRUPT,
                           "word-list entry");
    expect_damage_rejected(empty_entry, SENTIMENT_ERR_CORRUPT, "word-list entry");
    expect_damage_rejected(emoticon_starting_with_a_letter, SENTIMENT_ERR_CORRUPT,
                           "word-list entry");
    expect_damage_rejected(entry_with_a_space, SENTIMENT_ERR_CORRUPT, "word-list entry");
    expect_damage_rejected(too_many_entries, SENTIMENT_ERR_CORRUPT, "word-list entries");
    expect_damage_rejected(one_entry_fewer_than_stored, SENTIMENT_ERR_CORRUPT, "left over");
    expect_damage_rejected(char_ngrams_zero, SENTIMENT_ERR_CORRUPT, "character n-gram");
    expect_damage_rejected(char_ngrams_six, SENTIMENT_ERR_CORRUPT, "character n-gram");
    expect_damage_rejected(unknown_weighting, SENTIMENT_ERR_CORRUPT, "weighting");
    expect_damage_rejected(normalize_two, SENTIMENT_ERR_CORRUPT, "weighting");
    expect_damage_rejected(vectorizer_section_of_the_old_size, SENTIMENT_ERR_CORRUPT, "VECT");
    expect_damage_rejected(stem_zero, SENTIMENT_ERR_CORRUPT, "stem");
    expect_damage_rejected(stem_too_long, SENTIMENT_ERR_CORRUPT, "stem");
    expect_damage_rejected(too_many_buckets, SENTIMENT_ERR_CORRUPT, "buckets");
    expect_damage_rejected(ngrams_zero, SENTIMENT_ERR_CORRUPT, "n-gram");
    expect_damage_rejected(not_a_number_in_w1, SENTIMENT_ERR_CORRUPT, "not a finite number");
    expect_damage_rejected(infinity_in_dense, SENTIMENT_ERR_CORRUPT, "not a finite number");
    expect_damage_rejected(duplicate_label, SENTIMENT_ERR_CORRUPT, "twice");
    expect_damage_rejected(label_with_a_tab, SENTIMENT_ERR_CORRUPT, "control character");
    expect_damage_rejected(zero_labels, SENTIMENT_ERR_CORRUPT, "number of labels");
    expect_damage_rejected(wider_hidden_layer, SENTIMENT_ERR_CORRUPT, "W1");
    expect_damage_rejected(more_outputs_than_labels, SENTIMENT_ERR_CORRUPT, "labels");
    expect_damage_rejected(unknown_network_flag, SENTIMENT_ERR_CORRUPT, "flags");
    expect_damage_rejected(bytes_after_the_last_section, SENTIMENT_ERR_CORRUPT,
                           "after the last section");
    expect_damage_rejected(last_section_missing, SENTIMENT_ERR_CORRUPT, "BNST");
    expect_damage_rejected(sections_swapped, SENTIMENT_ERR_CORRUPT, "expected section");
}

static void test_model_load_rejects_damaged_headers(void **state)
{
    unsigned char *file, *copy;
    size_t size;

    (void)state;
    file = tu_model_bytes(small, &size);
    copy = malloc(size + 16);
    assert_non_null(copy);

    /* A newer format version, with a correct header checksum. */
    memcpy(copy, file, size);
    tu_put32(copy + 8, 4);
    tu_seal_header(copy);
    expect_load_error(copy, size, SENTIMENT_ERR_VERSION, "version 4");

    memcpy(copy, file, size);
    tu_put32(copy + 12, 1);
    tu_seal_header(copy);
    expect_load_error(copy, size, SENTIMENT_ERR_CORRUPT, "flags");

    /* A forged payload size must not make the reader allocate it. */
    memcpy(copy, file, size);
    tu_put64(copy + 16, UINT64_C(1) << 40);
    tu_seal_header(copy);
    expect_load_error(copy, size, SENTIMENT_ERR_CORRUPT, "payload size");

    memcpy(copy, file, size);
    tu_put64(copy + 16, 0);
    tu_seal_header(copy);
    expect_load_error(copy, size, SENTIMENT_ERR_CORRUPT, "payload size");

    /* A payload size a little off: the data no longer unpacks to it. */
    memcpy(copy, file, size);
    tu_put64(copy + 16, tu_get32(file + 16) + 1);
    tu_seal_header(copy);
    expect_load_error(copy, size, SENTIMENT_ERR_CORRUPT, "compressed data");

    /* The payload checksum is checked. */
    memcpy(copy, file, size);
    tu_put32(copy + 32, tu_get32(file + 32) ^ 0x10);
    tu_seal_header(copy);
    expect_load_error(copy, size, SENTIMENT_ERR_CORRUPT, "checksum");

    /* Bytes after the data, and the header checksum itself. */
    memcpy(copy, file, size);
    memcpy(copy + size, "tail", 4);
    expect_load_error(copy, size + 4, SENTIMENT_ERR_CORRUPT, "after the data");
    memcpy(copy, file, size);
    copy[36] ^= 1;
    expect_load_error(copy, size, SENTIMENT_ERR_CORRUPT, "header checksum");

    /* And the file itself, untouched, still loads. */
    expect_load_error(file, size, SENTIMENT_OK, "");
    free(copy);
    free(file);
}

/* ---- forged sizes -------------------------------------------------------- */

/* A payload under construction, section by section. */
typedef struct forged {
    unsigned char *p;
    size_t len, section;
} forged;

static unsigned char *forged_grow(forged *f, size_t n)
{
    unsigned char *p = realloc(f->p, f->len + n);

    assert_non_null(p);
    f->p = p;
    memset(p + f->len, 0, n);
    f->len += n;
    return p + f->len - n;
}

static void forged_32(forged *f, uint32_t v)
{
    tu_put32(forged_grow(f, 4), v);
}

static void forged_begin(forged *f, const char *tag)
{
    memcpy(forged_grow(f, 12), tag, 4);
    f->section = f->len;
}

static void forged_end(forged *f)
{
    tu_put64(f->p + f->section - 8, f->len - f->section);
}

/* What the issue found: a 4-bit model of 2^26 buckets and 512 hidden units
 * that stores none of its rows, a file of about 9 KB; the buckets' bit map
 * is the only large part of the payload. */
static unsigned char *forged_sparse_model(size_t *size)
{
    const uint32_t hidden = 512, bits = 26;
    forged f = {0};
    unsigned char *file;

    forged_begin(&f, "LABL");
    forged_32(&f, 2);
    forged_32(&f, 3);
    memcpy(forged_grow(&f, 3), "neg", 3);
    forged_32(&f, 3);
    memcpy(forged_grow(&f, 3), "pos", 3);
    forged_end(&f);
    forged_begin(&f, "TOKN");
    forged_32(&f, SN_TOKENIZER_RULES);
    forged_32(&f, 0);
    forged_32(&f, 0);
    forged_end(&f);
    forged_begin(&f, "VECT");
    forged_32(&f, bits);
    forged_32(&f, 1);           /* word n-grams */
    forged_32(&f, 1);           /* character n-grams */
    forged_32(&f, 0);           /* binary */
    forged_32(&f, 1);           /* unit length */
    forged_grow(&f, 8);         /* seed */
    forged_end(&f);
    forged_begin(&f, "SCL8");
    forged_end(&f);
    forged_begin(&f, "NETW");
    forged_32(&f, UINT32_C(1) << bits);
    forged_32(&f, hidden);
    forged_32(&f, 2);
    forged_32(&f, 0);
    forged_32(&f, 0x3A83126Fu); /* epsilon 0.001 */
    forged_end(&f);
    forged_begin(&f, "W1Q ");
    forged_32(&f, 4);
    forged_32(&f, 0);           /* no row stored */
    forged_grow(&f, ((size_t)1 << bits) / 8);
    forged_end(&f);
    forged_begin(&f, "DENS");
    forged_grow(&f, 4 * (3 * (size_t)hidden + 2 * (size_t)hidden + 2));
    forged_end(&f);
    forged_begin(&f, "BNST");
    forged_grow(&f, 4 * (size_t)hidden);
    for (uint32_t j = 0; j < hidden; j++)
        forged_32(&f, 0x3F800000u); /* variance 1 */
    forged_end(&f);
    file = tu_pack(f.p, f.len, 2, size);
    free(f.p);
    return file;
}

static void test_model_load_of_a_forged_sparse_model_allocates_no_more_than_its_payload(
    void **state)
{
    const size_t limit = (size_t)64 << 20;
    size_t size, label = 2;
    unsigned char *file = forged_sparse_model(&size);
    sentiment_model *m = NULL;
    sentiment_classifier *c = NULL;
    sentiment_error err;
    float probs[2];
    int rc;

    (void)state;
    assert_true(size < 16384);
    sn_alloc_refused = 0;
    sn_alloc_limit = limit;
    rc = sentiment_model_load_buffer(&m, file, size, &err);
    if (rc == SENTIMENT_OK) {
        /* A model that holds nothing is still a model: it must classify,
         * within the same bound. */
        rc = sentiment_classifier_create(&c, m, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_classify(c, "not bad", 7, &label, probs, &err);
    }
    sn_alloc_limit = 0;
    if (sn_alloc_refused != 0)
        fail_msg("an allocation of %zu bytes was attempted (%s)", sn_alloc_refused,
                 rc != SENTIMENT_OK ? err.message : "then succeeded");
    assert_int_equal(rc, SENTIMENT_OK);
    assert_true(label < 2);
    sentiment_classifier_free(c);
    sentiment_model_free(m);
    free(file);
}

/* 65535 labels and 1024 hidden units declare an output layer of 268 MB;
 * the payload, a few hundred kilobytes, ends before it. */
static unsigned char *forged_model_of_many_labels(size_t *size)
{
    const uint32_t hidden = 1024, labels = 65535;
    forged f = {0};
    unsigned char *file;

    forged_begin(&f, "LABL");
    forged_32(&f, labels);
    for (uint32_t i = 0; i < labels; i++) {
        char name[8];
        int n = snprintf(name, sizeof name, "%x", (unsigned)i);
        forged_32(&f, (uint32_t)n);
        memcpy(forged_grow(&f, (size_t)n), name, (size_t)n);
    }
    forged_end(&f);
    forged_begin(&f, "TOKN");
    forged_32(&f, SN_TOKENIZER_RULES);
    forged_32(&f, 0);
    forged_32(&f, 0);
    forged_end(&f);
    forged_begin(&f, "VECT");
    forged_32(&f, 4);
    forged_32(&f, 1);
    forged_32(&f, 1);
    forged_32(&f, 0);
    forged_32(&f, 1);
    forged_grow(&f, 8);
    forged_end(&f);
    forged_begin(&f, "SCAL");
    forged_end(&f);
    forged_begin(&f, "NETW");
    forged_32(&f, 16);
    forged_32(&f, hidden);
    forged_32(&f, labels);
    forged_32(&f, 0);
    forged_32(&f, 0x3A83126Fu);
    forged_end(&f);
    forged_begin(&f, "W1  ");
    forged_grow(&f, 4 * 16 * (size_t)hidden);
    forged_end(&f);
    file = tu_pack(f.p, f.len, 1, size);
    free(f.p);
    return file;
}

static void test_model_load_checks_the_output_layer_against_the_payload_before_allocating(
    void **state)
{
    size_t size;
    unsigned char *file = forged_model_of_many_labels(&size);
    sentiment_model *m = NULL;
    sentiment_error err;
    int rc;

    (void)state;
    sn_alloc_refused = 0;
    sn_alloc_limit = (size_t)64 << 20;
    rc = sentiment_model_load_buffer(&m, file, size, &err);
    sn_alloc_limit = 0;
    if (sn_alloc_refused != 0)
        fail_msg("an allocation of %zu bytes was attempted (%s)", sn_alloc_refused,
                 err.message);
    assert_int_equal(rc, SENTIMENT_ERR_CORRUPT);
    assert_null(m);
    assert_string_equal(err.message, "(buffer): damaged model file: section 'DENS' "
                        "missing (payload ends early)");
    free(file);
}

/* ---- running out of memory ---------------------------------------------- */

static void test_model_load_fails_cleanly_when_memory_runs_out(void **state)
{
    char path[4096];
    unsigned long n;

    (void)state;
    tu_save_temp(trained, path, sizeof path);
    for (n = 1;; n++) {
        sentiment_model *m = NULL;
        sentiment_error err;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_model_load(&m, path, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            expect_same_model(trained, m);
            sentiment_model_free(m);
            break;
        }
        if (rc != SENTIMENT_ERR_NOMEM)
            fail_msg("allocation %lu failing gave status %d (%s)", n, rc, err.message);
        assert_null(m);
    }
    assert_true(n > 5);
    unlink(path);
}

static void test_model_save_fails_cleanly_when_memory_runs_out(void **state)
{
    char dir[4096], path[4200], name[256];
    unsigned long n;

    (void)state;
    tu_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/model.bin", dir);
    for (n = 1;; n++) {
        sentiment_error err;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_model_save(small, path, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK)
            break;
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        /* Nothing written, no temporary left. */
        assert_int_equal(list_dir(dir, name, sizeof name), 0);
    }
    assert_true(n > 1);
    assert_int_equal(list_dir(dir, name, sizeof name), 1);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

/* What the writer appends field by field: a failure to grow is kept, so
 * that one check at the end sees it, and what came before stays. */
/* Arrays double from their first size, and a capacity that would
 * overflow is refused, not wrapped around. */
static void test_arrays_grow_by_doubling_and_refuse_to_overflow(void **state)
{
    size_t cap = 0;
    int *a;

    (void)state;
    assert_int_equal(sn_grow_capacity(0, 1, 16), 16);
    assert_int_equal(sn_grow_capacity(16, 17, 16), 32);
    assert_int_equal(sn_grow_capacity(16, 1000, 16), 1024);
    assert_int_equal(sn_grow_capacity(SIZE_MAX / 2 + 1, SIZE_MAX, 1), 0);
    a = sn_grow_array(NULL, &cap, 5, sizeof *a, 4);
    assert_non_null(a);
    assert_int_equal(cap, 8);
    a[7] = 7;
    sn_alloc_count = 0;
    sn_alloc_fail_at = 1;
    assert_null(sn_grow_array(a, &cap, 9, sizeof *a, 4));
    sn_alloc_fail_at = 0;
    assert_int_equal(cap, 8); /* unchanged, and A still holds its elements */
    assert_int_equal(a[7], 7);
    assert_null(sn_grow_array(a, &cap, SIZE_MAX, sizeof *a, 4));
    assert_int_equal(cap, 8);
    sn_free(a);
}

static void test_buffer_keeps_its_bytes_and_remembers_running_out_of_memory(void **state)
{
    sn_buffer b = SN_BUFFER_INIT;
    unsigned char *p;

    (void)state;
    assert_int_equal(sn_buffer_append(&b, "", 0), 0);
    for (int i = 0; i < 3000; i++)
        assert_int_equal(sn_buffer_append(&b, "abc", 3), 0);
    assert_int_equal(b.len, 9000);
    assert_true(b.cap >= 9000);
    assert_memory_equal(b.data + 8997, "abc", 3);
    sn_alloc_count = 0;
    sn_alloc_fail_at = 1;
    assert_null(sn_buffer_grow(&b, b.cap)); /* must reallocate */
    sn_alloc_fail_at = 0;
    assert_true(b.failed);
    assert_null(sn_buffer_grow(&b, 1));
    assert_int_equal(sn_buffer_append(&b, "x", 1), -1);
    assert_int_equal(sn_buffer_append(&b, "", 0), -1);
    assert_int_equal(b.len, 9000);
    assert_memory_equal(b.data, "abcabc", 6);
    sn_buffer_release(&b);

    /* A size that cannot be added to what is there fails, not wraps. */
    p = sn_buffer_grow(&b, 16);
    assert_non_null(p);
    assert_null(sn_buffer_grow(&b, (size_t)-1 - 8));
    assert_true(b.failed);
    assert_int_equal(b.len, 16);
    sn_buffer_release(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_false(b.failed);
}

/* Model files and hashes are the same bytes on every machine. */
static void test_little_endian_helpers_put_the_low_byte_first(void **state)
{
    unsigned char p[8];

    (void)state;
    sn_put16le(p, 0x0102);
    assert_memory_equal(p, "\x02\x01", 2);
    assert_int_equal(sn_get16le(p), 0x0102);
    sn_put32le(p, 0x01020304);
    assert_memory_equal(p, "\x04\x03\x02\x01", 4);
    assert_int_equal(sn_get32le(p), 0x01020304);
    sn_put64le(p, UINT64_C(0x0102030405060708));
    assert_memory_equal(p, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
    assert_true(sn_get64le(p) == UINT64_C(0x0102030405060708));
    sn_put64le(p, UINT64_MAX - 1);
    assert_true(sn_get64le(p) == UINT64_MAX - 1);
    assert_int_equal(sn_float_bits(1.0f), 0x3F800000);
    assert_true(sn_bits_float(0xC0000000) == -2.0f);
}

static void test_classify_fails_cleanly_when_memory_runs_out(void **state)
{
    const char *text = "The staff were friendly, the room was dirty. \xC3\x89t\xC3\xA9!";
    float want[2], got[2];
    size_t want_label = tu_classify(trained, text, want);
    unsigned long n;

    (void)state;
    for (n = 1;; n++) {
        sentiment_classifier *c = NULL;
        sentiment_error err;
        size_t label;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_classifier_create(&c, trained, &err);
        if (rc == SENTIMENT_OK)
            rc = sentiment_classify(c, text, strlen(text), &label, got, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK) {
            assert_true(sn_alloc_count < n);
            assert_int_equal(label, want_label);
            assert_memory_equal(got, want, sizeof want);
            sentiment_classifier_free(c);
            break;
        }
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        assert_int_equal(err.code, SENTIMENT_ERR_NOMEM);
        /* A classifier that ran out of memory once still works. */
        if (c != NULL) {
            assert_int_equal(sentiment_classify(c, text, strlen(text), &label, got, &err),
                             SENTIMENT_OK);
            assert_memory_equal(got, want, sizeof want);
        }
        sentiment_classifier_free(c);
    }
    assert_true(n > 5);
}

/* The index in a batch's message is the caller's own, and says it is one. */
static void test_classify_batch_names_the_failing_text_by_its_index_in_the_batch(
    void **state)
{
    const char *texts[] = {"fine", "The staff were friendly, the room was dirty.", "bad"};
    const size_t lens[] = {4, strlen(texts[1]), 3};
    size_t labels[3];
    sentiment_classifier *c;
    sentiment_error err;
    unsigned long n;
    int failures = 0;

    (void)state;
    assert_int_equal(sentiment_classifier_create(&c, trained, &err), SENTIMENT_OK);
    for (n = 1;; n++) {
        char want[64];
        size_t failed = 0;
        int rc;

        sn_alloc_count = 0;
        sn_alloc_fail_at = n;
        rc = sentiment_classify_batch(c, texts, lens, 3, labels, NULL, &err);
        sn_alloc_fail_at = 0;
        if (rc == SENTIMENT_OK)
            break;
        assert_int_equal(rc, SENTIMENT_ERR_NOMEM);
        while (failed < 3 && labels[failed] != (size_t)-1)
            failed++;
        assert_true(failed < 3);
        snprintf(want, sizeof want, "text %zu of the batch: out of memory", failed);
        if (strncmp(err.message, want, strlen(want)) != 0)
            fail_msg("\"%s\" does not start with \"%s\"", err.message, want);
        failures++;
    }
    assert_true(failures > 0);
    sentiment_classifier_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_round_trip_classifies_every_text_identically),
        cmocka_unit_test(test_model_saved_again_after_loading_is_byte_identical),
        cmocka_unit_test(test_model_load_buffer_equals_load_from_file),
        cmocka_unit_test(test_model_keeps_labels_and_finds_them_by_name),
        cmocka_unit_test(test_classify_accepts_null_label_or_probabilities),
        cmocka_unit_test(test_model_load_rejects_every_truncation),
        cmocka_unit_test(test_model_load_rejects_every_single_bit_flip),
        cmocka_unit_test(test_model_load_says_when_a_file_is_not_a_model),
        cmocka_unit_test(test_model_load_names_a_missing_file),
        cmocka_unit_test(test_model_save_replaces_a_file_without_leaving_temporaries),
        cmocka_unit_test(test_model_save_keeps_the_mode_and_owner_of_the_file_it_replaces),
        cmocka_unit_test(test_model_save_through_a_symbolic_link_replaces_its_target),
        cmocka_unit_test(test_model_save_refuses_a_path_that_is_not_a_regular_file),
        cmocka_unit_test(test_model_save_failing_on_the_file_size_limit_leaves_no_temporary),
        cmocka_unit_test(test_model_save_killed_mid_write_leaves_the_old_model_whole),
        cmocka_unit_test(test_model_round_trip_keeps_the_default_settings_and_word_lists),
        cmocka_unit_test(test_model_round_trip_keeps_every_tokenizer_and_vectorizer_setting),
        cmocka_unit_test(test_model_without_stems_keeps_the_first_format_version),
        cmocka_unit_test(test_model_file_holds_the_sections_of_the_man_page_in_its_order),
        cmocka_unit_test(test_model_trained_with_a_rule_off_classifies_as_before_saving),
        cmocka_unit_test(test_model_classifies_with_the_rules_it_was_trained_with),
        cmocka_unit_test(test_model_load_rejects_damaged_payloads_with_valid_checksums),
        cmocka_unit_test(test_model_load_rejects_damaged_headers),
        cmocka_unit_test(test_model_load_of_a_forged_sparse_model_allocates_no_more_than_its_payload),
        cmocka_unit_test(test_model_load_checks_the_output_layer_against_the_payload_before_allocating),
        cmocka_unit_test(test_model_load_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_model_save_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_buffer_keeps_its_bytes_and_remembers_running_out_of_memory),
        cmocka_unit_test(test_arrays_grow_by_doubling_and_refuse_to_overflow),
        cmocka_unit_test(test_little_endian_helpers_put_the_low_byte_first),
        cmocka_unit_test(test_classify_fails_cleanly_when_memory_runs_out),
        cmocka_unit_test(test_classify_batch_names_the_failing_text_by_its_index_in_the_batch),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
