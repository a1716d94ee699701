/*
 * explain.h - the internal side of sentiment_explain(): freeing its scratch,
 * and the constant its weights leave out, for the tests.
 */
#ifndef SENTIMENT_EXPLAIN_H
#define SENTIMENT_EXPLAIN_H

#include "model.h"

void sn_explainer_free(sn_explainer *e);

/* After a successful sentiment_explain() on C: the label's score less the
 * sum of the weights of all the text's n-grams (those not returned too).
 * It depends on the text only through which hidden units are active. */
double sn_explain_bias(const sentiment_classifier *c);

#endif
