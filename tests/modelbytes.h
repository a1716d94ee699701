/*
 * modelbytes.h - taking model files apart and putting them back together,
 * for the tests that damage a payload behind valid checksums.  The layout
 * is described in man/sentiment-model.5.
 */
#ifndef SENTIMENT_TESTS_MODELBYTES_H
#define SENTIMENT_TESTS_MODELBYTES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define TU_HEADER_SIZE 40

static inline uint32_t tu_get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
        (uint32_t)p[3] << 24;
}

static inline void tu_put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void tu_put64(unsigned char *p, uint64_t v)
{
    tu_put32(p, (uint32_t)v);
    tu_put32(p + 4, (uint32_t)(v >> 32));
}

/* Recomputes the header's checksum after a change to the header. */
static inline void tu_seal_header(unsigned char *file)
{
    tu_put32(file + 36, (uint32_t)crc32(0L, file, 36));
}

/* The payload of a model file, unpacked, with 64 bytes to spare for
 * damage that lengthens it; the caller frees it. */
static inline unsigned char *tu_unpack(const unsigned char *file, size_t *len)
{
    uLongf n = (uLongf)tu_get32(file + 16);
    unsigned char *payload = malloc(n + 64);

    assert_non_null(payload);
    assert_int_equal(uncompress(payload, &n, file + TU_HEADER_SIZE,
                                tu_get32(file + 24)), Z_OK);
    *len = n;
    return payload;
}

/* A model file of format VERSION holding PAYLOAD, with correct sizes and
 * checksums; the caller frees it. */
static inline unsigned char *tu_pack(const unsigned char *payload, size_t len,
                                     uint32_t version, size_t *size)
{
    uLongf packed = compressBound((uLong)len);
    unsigned char *file = malloc(TU_HEADER_SIZE + packed);

    assert_non_null(file);
    assert_int_equal(compress2(file + TU_HEADER_SIZE, &packed, payload, (uLong)len, 6),
                     Z_OK);
    memcpy(file, "SNTMODEL", 8);
    tu_put32(file + 8, version);
    tu_put32(file + 12, 0);
    tu_put64(file + 16, len);
    tu_put64(file + 24, packed);
    tu_put32(file + 32, (uint32_t)crc32(0L, file + TU_HEADER_SIZE, (uInt)packed));
    tu_seal_header(file);
    *size = TU_HEADER_SIZE + packed;
    return file;
}

/* The body of the section TAG in PAYLOAD; its length goes to *BODY_LEN
 * when that is not NULL. */
static inline unsigned char *tu_section(unsigned char *payload, size_t len,
                                        const char *tag, size_t *body_len)
{
    size_t pos = 0;

    while (pos + 12 <= len) {
        uint64_t n = tu_get32(payload + pos + 4) |
            (uint64_t)tu_get32(payload + pos + 8) << 32;
        if (memcmp(payload + pos, tag, 4) == 0) {
            if (body_len != NULL)
                *body_len = (size_t)n;
            return payload + pos + 12;
        }
        pos += 12 + (size_t)n;
    }
    fail_msg("no section %s", tag);
    return NULL;
}

#endif
