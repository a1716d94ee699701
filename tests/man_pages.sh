#!/bin/sh
# Every public function of sentiment.h has its man page, man/NAME.3, with
# the sections of curl's pages and the prototype exactly as in the header;
# every page is installed and renders with groff without a warning.  The
# pages checked are those the build makes from man/*.in.
. "${top_srcdir:-.}/tests/lib.sh"

header="$top_srcdir/src/sentiment.h"
man="$top_builddir/man"

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

for source in "$top_srcdir"/man/*.in; do
    base=man/$(basename "$source" .in)
    # Made, installed and distributed: listed in Makefile.am (man_MANS, by
    # way of MAN3_FUNCTIONS for the function pages).
    if grep -q -E "(^|[[:space:]])$base([[:space:]]|\$)" "$top_srcdir/Makefile.am"; then
        pass "$base is in man_MANS"
    else
        fail "$base is not in man_MANS in Makefile.am"
    fi
done
for page in "$man"/*.3; do
    base=man/$(basename "$page")
    # Every page of ours that it refers to exists.
    for ref in $(sed -n -E 's/^\.BR ((sentiment|libsentiment)[a-z_\\-]*) \(([0-9])\).*/\1.\3/p' "$page" | sed 's/\\-/-/g'); do
        if [ ! -f "$man/$ref" ]; then fail "$base refers to $ref, which does not exist"; fi
    done
done

# ---- the pages agree with the build ----
# The version is written once, in sentiment.h; every page the build makes
# (man/*.in with the version and the paths substituted) names it in its
# footer, and no page names a later one or a path of another prefix.
version=$(sed -n 's/^#define SENTIMENT_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
    "$header" | paste -sd . -)
built="$man"
# number V: a.b.c as a*10000 + b*100 + c, as SENTIMENT_VERSION_NUMBER.
number() { echo "$1" | awk -F . '{ print $1 * 10000 + $2 * 100 + $3 }'; }
for page in "$built"/*.[135]; do
    base=man/$(basename "$page")
    footer=$(sed -n 's/^\.TH .* "libsentiment \([0-9.]*\)" .*/\1/p' "$page")
    if [ "$footer" = "$version" ]; then
        pass "$base: the footer names libsentiment $version"
    else
        fail "$base: the footer names libsentiment '$footer', the library is $version"
    fi
    for named in $(grep -o 'libsentiment [0-9]*\.[0-9]*\.[0-9]*' "$page" | sed 's/.* //' | sort -u); do
        if [ "$(number "$named")" -gt "$(number "$version")" ]; then
            fail "$base names libsentiment $named, later than the library's $version"
        fi
    done
done
for source in "$top_srcdir"/man/*.in; do
    if grep -n '/usr/local' "$source" >"$WORK/local"; then
        fail "man/$(basename "$source") hard-codes /usr/local instead of the configured prefix:"
        sed 's/^/    /' "$WORK/local"
    fi
done
# The path of the installed default model is this build's, the one
# sentiment-classify --help gives.
path=$(env -u SENTIMENT_MODEL "$CLASSIFY" --help | sed -n 's/^Default model: \([^ ]*\).*/\1/p')
if [ -n "$path" ] && grep -q -x "\.I $path" "$built/sentiment-classify.1"; then
    pass "sentiment-classify(1) gives the default model's path of this build, $path"
else
    fail "sentiment-classify(1) does not give the default model's path of this build, '$path'"
fi
# The version macros of libsentiment(3) are those of the header.
for part in MAJOR MINOR PATCH; do
    want=$(sed -n "s/^#define SENTIMENT_VERSION_$part //p" "$header")
    got=$(sed -n "s/^\.B #define SENTIMENT_VERSION_$part \([0-9]*\)\$/\1/p" "$built/libsentiment.3")
    if [ -n "$got" ] && [ "$got" != "$want" ]; then
        fail "libsentiment(3) defines SENTIMENT_VERSION_$part as $got, the header as $want"
    fi
done
# A function NEWS names under a version was added in that version or
# before: its page must not say it came later.  (NEWS, newest first, with
# "Version X.Y.Z" headings.)
awk '/^Version [0-9]/ { v = $2 } v != "" { print v "\t" $0 }' "$top_srcdir/NEWS" |
    grep -o '^[0-9.]*	.*' >"$WORK/news"
while read -r name; do
    page="$built/$name.3"
    [ -f "$page" ] || continue
    added=$(sed -n 's/^Added in libsentiment \([0-9.]*\)\.$/\1/p' "$page")
    # The oldest version whose NEWS entry names the function.
    first=$(grep -E "[^a-z_]$name([^a-z_]|\$)" "$WORK/news" | tail -1 | cut -f 1)
    if [ -z "$added" ]; then
        fail "$name.3 does not say which version added it"
    elif [ -n "$first" ] && [ "$(number "$added")" -gt "$(number "$first")" ]; then
        fail "$name.3 says added in $added, NEWS names it under $first"
    else
        pass "$name.3: added in $added${first:+ (NEWS: $first)}"
    fi
done <"$WORK/functions"
# That every training option is documented, with its default, is checked
# by tests/options_agree.sh, from the library's table.

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
