#!/bin/sh
# Every public function of sentiment.h has its man page, man/NAME.3, with
# the sections of curl's pages and the prototype exactly as in the header;
# every page is installed and renders with groff without a warning.
. "${top_srcdir:-.}/tests/lib.sh"

header="$top_srcdir/src/sentiment.h"
man="$top_srcdir/man"

# One line per SENTIMENT_API function: its prototype on one line, with
# runs of blanks made one space and no space after "(" (as in the pages).
squeeze='{ gsub(/[ \t]+/, " "); gsub(/\( /, "("); gsub(/ \)/, ")"); sub(/^ /, ""); sub(/ $/, "") }'
awk '/^SENTIMENT_API/ { p = ""; on = 1 }
     on { p = p " " $0 }
     on && /;/ { on = 0; sub(/^ *SENTIMENT_API /, "", p); print p }' "$header" |
    awk "$squeeze 1" >"$WORK/prototypes"
sed 's/(.*//; s/.*[ *]//' "$WORK/prototypes" >"$WORK/functions"

count=$(wc -l <"$WORK/functions")
if [ "$count" -lt 40 ]; then
    fail "only $count SENTIMENT_API functions found in $header"
fi

sections="NAME|SYNOPSIS|DESCRIPTION|RETURN VALUE|ERRORS|EXAMPLE|AVAILABILITY|SEE ALSO"

while read -r name; do
    page="$man/$name.3"
    if [ ! -f "$page" ]; then
        fail "$name has no man page: man/$name.3 is missing"
        continue
    fi
    # Sections in the order of curl's pages.
    got=$(sed -n 's/^\.SH "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$page" | paste -sd '|' -)
    if [ "$got" = "$sections" ]; then
        pass "$name.3 has its sections"
    else
        fail "$name.3: sections are '$got', expected '$sections'"
    fi
    # The synopsis: the include line and the prototype as in the header.
    sed -n '/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p' "$page" >"$WORK/synopsis"
    proto=$(grep "[ *]$name(" "$WORK/prototypes")
    text=$(grep -v '^\.' "$WORK/synopsis" | awk "$squeeze 1" | paste -sd ' ' - | awk "$squeeze 1")
    if ! grep -q '^\.B #include <sentiment\.h>$' "$WORK/synopsis"; then
        fail "$name.3: no '#include <sentiment.h>' in the SYNOPSIS"
    elif ! printf '%s\n' "$text" | grep -q -F -e "$proto"; then
        fail "$name.3: the SYNOPSIS does not hold the prototype of sentiment.h: $proto"
    else
        pass "$name.3 has the prototype of sentiment.h"
    fi
    grep -q "^\.BR $name (3)" "$man/libsentiment.3" ||
        fail "libsentiment(3) does not list $name(3)"
done <"$WORK/functions"

for page in "$man"/*.3; do
    base=man/$(basename "$page")
    # Installed and distributed: listed in Makefile.am (dist_man_MANS, by
    # way of MAN3_FUNCTIONS for the function pages).
    if grep -q -E "(^|[[:space:]])$base([[:space:]]|\$)" "$top_srcdir/Makefile.am"; then
        pass "$base is in dist_man_MANS"
    else
        fail "$base is not in dist_man_MANS in Makefile.am"
    fi
    # Every page of ours that it refers to exists.
    for ref in $(sed -n -E 's/^\.BR ((sentiment|libsentiment)[a-z_\\-]*) \(([0-9])\).*/\1.\3/p' "$page" | sed 's/\\-/-/g'); do
        if [ ! -f "$man/$ref" ]; then fail "$base refers to $ref, which does not exist"; fi
    done
done

if ! command -v groff >/dev/null 2>&1; then
    skip "the pages render: groff not found (install groff to check that they do)"
    finish
fi
for page in "$man"/*.3 "$man"/*.1 "$man"/*.5; do
    base=man/$(basename "$page")
    if LC_ALL=C.UTF-8 groff -man -ww -z -t "$page" >"$WORK/groff" 2>&1 && [ ! -s "$WORK/groff" ]; then
        pass "$base renders without warnings"
    else
        fail "$base: groff warns:"
        sed 's/^/    /' "$WORK/groff"
    fi
done

finish
