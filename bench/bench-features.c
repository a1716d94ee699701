/*
 * bench-features - throughput of the tokenizer and the vectorizer together,
 * the work done for every review before the network sees it.
 *
 * Usage: bench-features [-t] [-r RUNS] CORPUS...
 * Reads the texts of labeled corpora into memory, then turns all of them
 * into feature vectors RUNS times (default 5) with the default settings and
 * prints the median and best throughput in MB/s of input text on one core.
 * With -t only the tokenizer runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "tokenizer.h"
#include "vectorizer.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    sn_tokenizer tk;
    sn_tokenizer_settings ts;
    sn_vectorizer_settings vs;
    sn_features f;
    sn_lexicon lex;
    sentiment_error err;
    char *text = NULL;
    size_t *start = NULL, count = 0, cap = 0, bytes = 0, text_cap = 0;
    double times[64];
    int runs = 5, c, tokenize_only = 0;
    unsigned long long features = 0;

    while ((c = getopt(argc, argv, "tr:")) != -1) {
        if (c == 't') {
            tokenize_only = 1;
        } else if (c == 'r' && atoi(optarg) > 0 && atoi(optarg) <= 64) {
            runs = atoi(optarg);
        } else {
            fprintf(stderr, "usage: bench-features [-t] [-r RUNS] CORPUS...\n");
            return 2;
        }
    }
    for (int i = optind; i < argc; i++) {
        sentiment_reader *r;
        const char *line;
        size_t len;
        if (sentiment_reader_open(&r, argv[i], &err) != SENTIMENT_OK) {
            fprintf(stderr, "bench-features: %s\n", err.message);
            return 1;
        }
        while (sentiment_reader_next(r, &line, &len, &err) == SENTIMENT_OK && line) {
            sentiment_example ex;
            if (sentiment_parse_example(line, len, &ex, &err) != SENTIMENT_OK)
                continue;
            if (count + 2 > cap) {
                cap = cap ? 2 * cap : 1024;
                start = realloc(start, cap * sizeof *start);
            }
            if (bytes + ex.text_len > text_cap) {
                text_cap = text_cap ? 2 * text_cap : 1 << 20;
                while (text_cap < bytes + ex.text_len)
                    text_cap *= 2;
                text = realloc(text, text_cap);
            }
            if (start == NULL || text == NULL) {
                fprintf(stderr, "bench-features: out of memory\n");
                return 1;
            }
            start[count++] = bytes;
            memcpy(text + bytes, ex.text, ex.text_len);
            bytes += ex.text_len;
        }
        sentiment_reader_free(r);
    }
    if (count == 0) {
        fprintf(stderr, "bench-features: no texts\n");
        return 1;
    }
    start[count] = bytes;

    sn_tokenizer_init(&tk);
    sn_tokenizer_settings_default(&ts);
    sn_vectorizer_settings_default(&vs);
    sn_features_init(&f);
    sn_lexicon_init(&lex);
    if (sn_lexicon_load_default(&lex, &err) != SENTIMENT_OK) {
        fprintf(stderr, "bench-features: %s\n", err.message);
        return 1;
    }
    for (int run = 0; run < runs; run++) {
        double t0 = sn_now();
        features = 0;
        for (size_t i = 0; i < count; i++) {
            if (sn_tokenize(&tk, &ts, &lex, text + start[i], start[i + 1] - start[i],
                            &err) != SENTIMENT_OK ||
                (!tokenize_only && sn_vectorize(&vs, &tk, &f, &err) != SENTIMENT_OK)) {
                fprintf(stderr, "bench-features: %s\n", err.message);
                return 1;
            }
            features += f.count;
        }
        times[run] = sn_now() - t0;
    }
    qsort(times, (size_t)runs, sizeof times[0], cmp_double);
    printf("texts %zu  MB %.1f  features/text %.0f  median %.1f MB/s  best %.1f MB/s\n",
           count, bytes / 1e6, (double)features / (double)count,
           bytes / 1e6 / times[runs / 2], bytes / 1e6 / times[0]);
    sn_tokenizer_release(&tk);
    sn_features_release(&f);
    sn_lexicon_release(&lex);
    free(text);
    free(start);
    return 0;
}
