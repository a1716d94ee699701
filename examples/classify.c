/*
 * classify.c - classify each line of standard input with libsentiment.
 *
 *   cc classify.c -o classify $(pkg-config --cflags --libs libsentiment)
 *   ./classify reviews.model <reviews.txt
 *
 * Prints one "LABEL<TAB>PROBABILITY" line per input line, in order, as
 * sentiment-classify(1) does.  Without MODEL it loads the default model:
 * the file named by $SENTIMENT_MODEL, or the one built into the library
 * (see sentiment_model_load(3)).
 *
 * It uses the public interface only, and shows its conventions: every call
 * that can fail returns a status and fills a sentiment_error whose message
 * says what went wrong; objects are freed in the reverse order of creation,
 * and freeing NULL is harmless.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sentiment.h>

int main(int argc, char **argv)
{
    const char *model_path = argc > 1 ? argv[1] : NULL;
    sentiment_model *model = NULL;
    sentiment_classifier *classifier = NULL;
    sentiment_reader *input = NULL;
    sentiment_error err;
    float *probs = NULL;
    const char *line;
    size_t len, label;
    int rc, status = EXIT_FAILURE;

    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        fprintf(stderr, "usage: %s [MODEL] <REVIEWS\n"
                "Classifies each line of standard input.  Without MODEL, the default\n"
                "model: the file named by $SENTIMENT_MODEL, or the one built into\n"
                "the library.\n", argv[0]);
        return 2;
    }

    if (sentiment_model_load(&model, model_path, &err) != SENTIMENT_OK ||
        sentiment_classifier_create(&classifier, model, &err) != SENTIMENT_OK ||
        sentiment_reader_open(&input, "-", &err) != SENTIMENT_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], err.message);
        goto out;
    }
    /* One probability per label, in the order of sentiment_model_label(). */
    probs = malloc(sentiment_model_label_count(model) * sizeof *probs);
    if (probs == NULL) {
        fprintf(stderr, "%s: %s\n", argv[0], sentiment_strerror(SENTIMENT_ERR_NOMEM));
        goto out;
    }

    /* The reader hands out lines of any length, without their newline. */
    while ((rc = sentiment_reader_next(input, &line, &len, &err)) == SENTIMENT_OK &&
           line != NULL) {
        rc = sentiment_classify(classifier, line, len, &label, probs, &err);
        if (rc != SENTIMENT_OK)
            break;
        printf("%s\t%.4f\n", sentiment_model_label(model, label), probs[label]);
    }
    if (rc != SENTIMENT_OK) {
        fprintf(stderr, "%s: %s (%s)\n", argv[0], err.message, sentiment_strerror(rc));
        goto out;
    }
    if (fflush(stdout) != 0) {
        perror(argv[0]);
        goto out;
    }
    status = EXIT_SUCCESS;
out:
    free(probs);
    sentiment_reader_free(input);
    sentiment_classifier_free(classifier);
    sentiment_model_free(model);
    return status;
}
