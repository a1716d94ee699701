/*
 * plot.h - learning curves as an SVG picture, for sentiment-train --plot.
 */
#ifndef SENTIMENT_CLI_PLOT_H
#define SENTIMENT_CLI_PLOT_H

#include <stdio.h>

/* Draws the training LOSS, the VALID_LOSS and the validation ACCURACY
 * (-1 where none) of epochs 1 .. N into OUT as a self-contained SVG
 * document; BEST is the epoch kept (0 for none).  Returns 0, or -1 when
 * writing failed. */
int plot_learning_curves(FILE *out, const double *loss, const double *valid_loss,
                         const double *accuracy, unsigned n, unsigned best);

#endif
