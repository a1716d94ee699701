/*
 * littleendian.h - integers and floats read and written as little-endian
 * bytes, whatever the machine's own byte order.
 *
 * Model files (modelfile.c) are the same bytes on every machine, and so are
 * the hashes of n-grams (vectorizer.c), on which the meaning of a model's
 * buckets depends: neither may follow the host's byte order or alignment.
 * Written byte by byte, which compilers turn into a single load or store
 * where the machine allows it.
 */
#ifndef SENTIMENT_LITTLEENDIAN_H
#define SENTIMENT_LITTLEENDIAN_H

#include <stdint.h>
#include <string.h>

static inline uint16_t sn_get16le(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t sn_get32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
        (uint32_t)p[3] << 24;
}

static inline uint64_t sn_get64le(const unsigned char *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
        (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
        (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

static inline void sn_put16le(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static inline void sn_put32le(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static inline void sn_put64le(unsigned char *p, uint64_t v)
{
    sn_put32le(p, (uint32_t)v);
    sn_put32le(p + 4, (uint32_t)(v >> 32));
}

/* The IEEE 754 bits of a float and back, as they are stored. */
static inline uint32_t sn_float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float sn_bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

#endif
