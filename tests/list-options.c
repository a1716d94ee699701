/*
 * list-options - prints the training options of the library, one a line:
 * NAME, TYPE (count, real, choice, flag, path), DEFAULT ("-" for none) and
 * IN_MODEL (1 when a model stores it), separated by TABs.  For
 * tests/options_agree.sh, which compares them with sentiment-train --help
 * and the man pages.  A client of sentiment.h only.
 */
#include <stdio.h>

#include "sentiment.h"

int main(void)
{
    static const char *const types[] = {"count", "real", "choice", "flag", "path"};

    for (const sentiment_option *o = NULL; (o = sentiment_option_next(o)) != NULL;) {
        const char *type = o->type >= 0 && o->type < 5 ? types[o->type] : "unknown";
        printf("%s\t%s\t%s\t%d\n", o->name, type,
               o->default_value != NULL ? o->default_value : "-",
               (o->flags & SENTIMENT_OPTION_IN_MODEL) != 0);
    }
    return fflush(stdout) != 0;
}
