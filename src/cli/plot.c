/*
 * plot.c - learning curves as SVG: two stacked charts sharing the epoch
 * axis, training loss above and validation accuracy below.  Plain SVG 1.1
 * with no script and no external reference, so that any browser shows it.
 */
#include <math.h>
#include <stdio.h>

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

/* One chart: VALUES of epochs 1 .. N (entries below 0 skipped when SKIP). */
static void panel(FILE *out, int top, const char *title, const char *color,
                  const double *values, unsigned n, int skip, unsigned best,
                  const char *format)
{
    double lo = INFINITY, hi = -INFINITY, step;
    int any = 0;

    for (unsigned i = 0; i < n; i++) {
        if (skip && values[i] < 0)
            continue;
        any = 1;
        if (values[i] < lo)
            lo = values[i];
        if (values[i] > hi)
            hi = values[i];
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>\n",
            LEFT, top - 12, title);
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            "stroke=\"#999\"/>\n", LEFT, top, WIDTH - LEFT - RIGHT, PANEL);
    if (!any) {
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#666\">"
                "no validation examples</text>\n", LEFT + 20, top + PANEL / 2);
        return;
    }
    if (hi - lo < 1e-9) {
        lo -= 0.5 * (fabs(lo) + 1e-3);
        hi += 0.5 * (fabs(hi) + 1e-3);
    }
    step = tick_step(lo, hi);
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;
#define Y_OF(v) (top + PANEL - ((v) - lo) / (hi - lo) * PANEL)
    for (double v = lo; v <= hi + step / 2; v += step) {
        fprintf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
                LEFT, WIDTH - RIGHT, Y_OF(v), Y_OF(v));
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">",
                LEFT - 6, Y_OF(v) + 4);
        fprintf(out, format, v);
        fprintf(out, "</text>\n");
    }
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", color);
    for (unsigned i = 0; i < n; i++)
        if (!(skip && values[i] < 0))
            fprintf(out, "%.1f,%.1f ", x_of(i + 1, n), Y_OF(values[i]));
    fprintf(out, "\"/>\n");
    for (unsigned i = 0; i < n; i++) {
        if (skip && values[i] < 0)
            continue;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%d\" fill=\"%s\"><title>epoch %u: ",
                x_of(i + 1, n), Y_OF(values[i]), i + 1 == best ? 6 : 3,
                i + 1 == best ? "#d62728" : color, i + 1);
        fprintf(out, format, values[i]);
        fprintf(out, "%s</title></circle>\n", i + 1 == best ? " (kept)" : "");
    }
#undef Y_OF
}

int plot_learning_curves(FILE *out, const double *loss, const double *accuracy,
                         unsigned n, unsigned best)
{
    const int bottom = TOP + 2 * PANEL + GAP;
    unsigned every = n > 20 ? (n + 19) / 20 : 1;

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            WIDTH, HEIGHT, WIDTH, HEIGHT);
    panel(out, TOP, "training loss", "#1f77b4", loss, n, 0, best, "%.3f");
    panel(out, TOP + PANEL + GAP, "validation accuracy", "#2ca02c", accuracy, n, 1, best,
          "%.3f");
    for (unsigned e = 1; e <= n; e += every)
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
                "text-anchor=\"middle\">%u</text>\n", x_of(e, n), bottom + 16, e);
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\">"
            "epoch%s</text>\n</svg>\n", (LEFT + WIDTH - RIGHT) / 2, bottom + 36,
            best ? " (the red point is the epoch kept)" : "");
    return ferror(out) ? -1 : 0;
}
