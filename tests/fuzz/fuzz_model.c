/*
 * fuzz_model.c - arbitrary bytes as a model file: the loader must reject
 * anything damaged with SENTIMENT_ERR_CORRUPT or _VERSION and a message,
 * and a model it accepts must classify.
 *
 * Checksums guard the file, so random changes to a real model stop at the
 * first CRC test.  To reach the parser behind it, the first byte of the
 * input chooses: even, the rest is the file as it is; odd, the rest is the
 * payload (the sections), which is compressed and given a valid header
 * here, as sentiment_model_save() would, of the format version that bits 1
 * and 2 of that byte choose: 0 version 1, 1 version 2 (quantized models),
 * 2 or 3 version 3 (models with word stems).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "sentiment.h"
#include "fuzz.h"

#define HEADER_SIZE 40

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* The file sentiment_model_save() would write for PAYLOAD; free() it. */
static unsigned char *wrap(const uint8_t *payload, size_t len, uint32_t version,
                           size_t *size)
{
    uLongf packed_len = compressBound((uLong)len);
    unsigned char *file = malloc(HEADER_SIZE + packed_len);

    if (file == NULL)
        abort();
    if (compress2(file + HEADER_SIZE, &packed_len, payload, (uLong)len, 1) != Z_OK)
        abort();
    memcpy(file, "SNTMODEL", 8);
    put32(file + 8, version);
    put32(file + 12, 0);
    put64(file + 16, len);
    put64(file + 24, packed_len);
    put32(file + 32, (uint32_t)crc32(0L, file + HEADER_SIZE, (uInt)packed_len));
    put32(file + 36, (uint32_t)crc32(0L, file, 36));
    *size = HEADER_SIZE + packed_len;
    return file;
}

static void classify(const sentiment_model *m)
{
    static const char text[] = "Not good at all :( but the staff was sooo nice!!! "
        "<br />http://x.invalid \xe5\xa5\xbd\xe5\x90\x83 \xf0\x9f\x98\x80";
    sentiment_classifier *c;
    sentiment_error err;
    size_t count = sentiment_model_label_count(m), label = count;
    float *probs = malloc(count * sizeof *probs);
    double sum = 0;
    int rc;

    FUZZ_CHECK(count >= 1 && probs != NULL);
    for (size_t i = 0; i < count; i++) {
        const char *name = sentiment_model_label(m, i);
        FUZZ_CHECK(name != NULL && name[0] != '\0');
        FUZZ_CHECK(sentiment_model_find_label(m, name, strlen(name)) == (long)i);
    }
    rc = sentiment_classifier_create(&c, m, &err);
    FUZZ_CHECK(rc == SENTIMENT_OK);
    rc = sentiment_classify(c, text, sizeof text - 1, &label, probs, &err);
    FUZZ_CHECK(rc == SENTIMENT_OK);
    FUZZ_CHECK(label < count);
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(probs[i] >= 0 && probs[i] <= 1);
        sum += probs[i];
    }
    FUZZ_CHECK(fabs(sum - 1) < 1e-3);
    sentiment_classifier_free(c);
    free(probs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sentiment_model *m = NULL;
    sentiment_error err;
    unsigned char *file = NULL;
    const uint8_t *bytes;
    int rc;

    if (size == 0)
        return 0;
    if (data[0] & 1) {
        static const uint32_t versions[] = {1, 2, 3, 3};
        file = wrap(data + 1, size - 1, versions[(data[0] >> 1) & 3], &size);
        bytes = file;
    } else {
        bytes = data + 1;
        size--;
    }
    rc = sentiment_model_load_buffer(&m, bytes, size, &err);
    if (rc == SENTIMENT_OK) {
        FUZZ_CHECK(m != NULL);
        classify(m);
    } else {
        FUZZ_CHECK(m == NULL);
        FUZZ_CHECK(rc == SENTIMENT_ERR_CORRUPT || rc == SENTIMENT_ERR_VERSION);
        FUZZ_CHECK(strncmp(err.message, "(buffer): ", 10) == 0);
    }
    sentiment_model_free(m);
    free(file);
    return 0;
}
