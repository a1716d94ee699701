/*
 * plot.c - learning curves as SVG: two stacked charts sharing the epoch
 * axis, the training and validation loss above (the validation loss picks
 * the epoch kept) and the validation accuracy below.  Plain SVG 1.1
 * with no script and no external reference, so that any browser shows it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot.h"

#define WIDTH 720
#define HEIGHT 520
#define LEFT 70
#define RIGHT 30
#define TOP 40
#define PANEL 190
#define GAP 60

/* A "nice" step for about 5 ticks between LO and HI. */
static double tick_step(double lo, double hi)
{
    double span = hi - lo, raw = span / 5, mag, n;

    if (!(span > 0))
        return 1;
    mag = pow(10, floor(log10(raw)));
    n = raw / mag;
    return (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * mag;
}

static double x_of(unsigned epoch, unsigned n)
{
    double w = WIDTH - LEFT - RIGHT;
    return LEFT + (n > 1 ? (double)(epoch - 1) / (double)(n - 1) * w : w / 2);
}

/* One line of a chart: VALUES of epochs 1 .. N; entries below 0 (no
 * validation examples) are left out. */
typedef struct series {
    const char *name;   /* in the legend and in each point's title */
    const char *id;     /* its class attribute, for those who read the file */
    const char *color;
    const double *values;
} series;

static int has_points(const series *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (s->values[i] >= 0)
            return 1;
    return 0;
}

/* The colour and name of each line that has points, right-aligned above
 * the chart. */
static void legend(FILE *out, int top, const series *lines, size_t count, unsigned n)
{
    int x = WIDTH - RIGHT;

    for (size_t k = count; k-- > 0;) {
        if (!has_points(&lines[k], n))
            continue;
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s"
                "</text>\n", x, top - 12, lines[k].name);
        x -= 6 * (int)strlen(lines[k].name) + 4; /* about 6 pixels a letter */
        fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"2\"/>\n", x - 18, x - 2, top - 16, top - 16, lines[k].color);
        x -= 30;
    }
}

static void draw_series(FILE *out, const series *s, unsigned n, unsigned best,
                        int top, double lo, double hi)
{
#define Y_OF(v) (top + PANEL - ((v) - lo) / (hi - lo) * PANEL)
    fprintf(out, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
            "points=\"", s->id, s->color);
    for (unsigned i = 0; i < n; i++)
        if (s->values[i] >= 0)
            fprintf(out, "%.1f,%.1f ", x_of(i + 1, n), Y_OF(s->values[i]));
    fprintf(out, "\"/>\n");
    for (unsigned i = 0; i < n; i++) {
        if (s->values[i] < 0)
            continue;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>"
                "epoch %u: %s %.4f%s</title></circle>\n", x_of(i + 1, n),
                Y_OF(s->values[i]), i + 1 == best ? 6 : 3,
                i + 1 == best ? "#d62728" : s->color, i + 1, s->name, s->values[i],
                i + 1 == best ? " (kept)" : "");
    }
#undef Y_OF
}

/* One chart of the LINES, its value axis from 0 at most up to AXIS_MAX. */
static void panel(FILE *out, int top, const char *title, const series *lines,
                  size_t count, unsigned n, unsigned best, double axis_max)
{
    double lo = INFINITY, hi = -INFINITY, step;

    for (size_t k = 0; k < count; k++)
        for (unsigned i = 0; i < n; i++) {
            double v = lines[k].values[i];
            if (v < 0)
                continue;
            if (v < lo)
                lo = v;
            if (v > hi)
                hi = v;
        }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
            LEFT, top - 12, title);
    if (count > 1)
        legend(out, top, lines, count, n);
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            "stroke=\"#999\"/>\n", LEFT, top, WIDTH - LEFT - RIGHT, PANEL);
    if (!(lo <= hi)) {
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#666\">"
                "no validation examples</text>\n", LEFT + 20, top + PANEL / 2);
        return;
    }
    if (hi - lo < 1e-9) {
        lo -= 0.5 * (fabs(lo) + 1e-3);
        hi += 0.5 * (fabs(hi) + 1e-3);
    }
    step = tick_step(lo, hi);
    /* Losses and accuracies are never negative, and an accuracy never
     * above 1: rounding out to whole ticks must not pass those bounds. */
    lo = fmax(floor(lo / step) * step, 0);
    hi = fmin(ceil(hi / step) * step, axis_max);
    for (unsigned t = 0; lo + t * step <= hi + step * 1e-6; t++) {
        double v = lo + t * step, y = top + PANEL - (v - lo) / (hi - lo) * PANEL;
        fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
                LEFT, WIDTH - RIGHT, y, y);
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">"
                "%.3f</text>\n", LEFT - 6, y + 4, v);
    }
    for (size_t k = 0; k < count; k++)
        draw_series(out, &lines[k], n, best, top, lo, hi);
}

int plot_learning_curves(FILE *out, const double *loss, const double *valid_loss,
                         const double *accuracy, unsigned n, unsigned best)
{
    const series losses[] = {
        {"training loss", "training-loss", "#1f77b4", loss},
        {"validation loss", "validation-loss", "#ff7f0e", valid_loss},
    };
    const series accuracies[] = {
        {"validation accuracy", "validation-accuracy", "#2ca02c", accuracy},
    };
    const int bottom = TOP + 2 * PANEL + GAP;
    unsigned every = n > 20 ? (n + 19) / 20 : 1;

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    panel(out, TOP, "loss", losses, 2, n, best, INFINITY);
    panel(out, TOP + PANEL + GAP, "validation accuracy", accuracies, 1, n, best, 1.0);
    for (unsigned e = 1; e <= n; e += every)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                "text-anchor=\"middle\">%u</text>\n", x_of(e, n), bottom + 16, e);
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">"
            "epoch%s</text>\n</svg>\n", (LEFT + WIDTH - RIGHT) / 2, bottom + 36,
            best ? " (the red point is the epoch kept)" : "");
    return ferror(out) ? -1 : 0;
}
