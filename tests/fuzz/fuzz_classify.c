/*
 * fuzz_classify.c - arbitrary bytes through the tokenizer, the vectorizer
 * and the network: sentiment_classify() must accept anything and return
 * probabilities that are numbers and add up to one.
 *
 * The first byte picks one of a few small models trained at start-up with
 * different tokenizer and vectorizer settings, so that every rule and
 * feature kind is reached; the rest is the text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sentiment.h"
#include "fuzz.h"

static const char *const examples[] = {
    "pos", "I loved this film, the acting was wonderful :) <br />Great!!!",
    "neg", "Terrible movie. Not good at all, never again... http://x.invalid",
    "pos", "Sooooo good, really very nice &amp; clean rooms @hotel 12345678",
    "neg", "the food wasn't fresh but the staff was rude :( awful",
    "pos", "\xe5\xa5\xbd\xe5\x90\x83\xef\xbc\x8c\xe6\x9c\x8d\xe5\x8a\xa1\xe5\xbe\x88\xe5\xa5\xbd",
    "neg", "\xe0\xb9\x84\xe0\xb8\xa1\xe0\xb9\x88\xe0\xb8\x94\xe0\xb8\xb5 \xf0\x9f\x98\xa1",
};

/* name, value pairs; each list ends with NULL. */
static const char *const settings[][16] = {
    { NULL },
    { "ngrams", "5", "char-ngrams", "5", "weighting", "logtf", "normalize", "0", NULL },
    { "html", "0", "placeholders", "0", "elongation", "0", "negation", "0",
      "emoticons", "0", "clitics", "0", NULL },
    { "nb-scaling", "0", "batchnorm", "0", "ngrams", "1", "char-ngrams", "1", NULL },
};
#define MODELS (sizeof settings / sizeof settings[0])

static sentiment_model *models[MODELS];
static sentiment_classifier *classifiers[MODELS];

static sentiment_model *train(const char *const *options)
{
    sentiment_trainer *t;
    sentiment_model *m = NULL;

    if (sentiment_trainer_create(&t, NULL) != SENTIMENT_OK)
        abort();
    if (sentiment_trainer_set(t, "buckets", "1024", NULL) ||
        sentiment_trainer_set(t, "hidden", "4", NULL) ||
        sentiment_trainer_set(t, "epochs", "2", NULL) ||
        sentiment_trainer_set(t, "validation", "0", NULL) ||
        sentiment_trainer_set(t, "threads", "1", NULL))
        abort();
    for (size_t i = 0; options[i] != NULL; i += 2)
        if (sentiment_trainer_set(t, options[i], options[i + 1], NULL))
            abort();
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i += 2)
        if (sentiment_trainer_add(t, examples[i], strlen(examples[i]), examples[i + 1],
                                  strlen(examples[i + 1]), NULL))
            abort();
    if (sentiment_trainer_train(t, &m, NULL) != SENTIMENT_OK)
        abort();
    sentiment_trainer_free(t);
    return m;
}

static void setup(void)
{
    for (size_t i = 0; i < MODELS; i++) {
        models[i] = train(settings[i]);
        if (sentiment_classifier_create(&classifiers[i], models[i], NULL))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t which, label = 99;
    float probs[2];
    sentiment_error err;
    int rc;

    if (models[0] == NULL)
        setup();
    if (size == 0)
        return 0;
    which = data[0] % MODELS;
    rc = sentiment_classify(classifiers[which], (const char *)data + 1, size - 1,
                            &label, probs, &err);
    FUZZ_CHECK(rc == SENTIMENT_OK);
    FUZZ_CHECK(label < 2);
    FUZZ_CHECK(isfinite(probs[0]) && isfinite(probs[1]));
    FUZZ_CHECK(fabsf(probs[0] + probs[1] - 1.0f) < 1e-3f);
    FUZZ_CHECK(probs[label] >= probs[1 - label]);
    return 0;
}
