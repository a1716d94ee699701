#!/bin/sh
# The figures the documentation shows are those the programs give: the
# examples of sentiment-classify(1), with the built-in model and with the
# sample model trained as sentiment-train(1) says, the --evaluate report of
# the built-in model on CR (when $SHARED_DIR has it), and the IMDb training
# time the README gives in words and in its table.
. "${top_srcdir:-.}/tests/lib.sh"

page="$top_builddir/man/sentiment-classify.1"
[ -f "$page" ] || { fail "no $page (make builds it)"; finish; }

# shown COMMAND: the lines the page shows after the example COMMAND (as
# written in the page), up to the end of the example or a "..." line.
shown() {
    awk -v cmd="$1" 'index($0, cmd) == 1 { on = 1; next }
                     on && (/^\.EE/ || /^\\&\.\.\./) { exit }
                     on { print }' "$page"
}

# expect_shown COMMAND OUTPUT WHAT: OUTPUT starts with what the page shows.
expect_shown() {
    shown "$1" >"$WORK/shown"
    n=$(wc -l <"$WORK/shown")
    head -n "$n" "$2" >"$WORK/got"
    if [ "$n" -gt 0 ] && cmp -s "$WORK/shown" "$WORK/got"; then
        pass "$3: the page shows what it prints"
    else
        fail "$3: the page shows"
        sed 's/^/    /' "$WORK/shown"
        echo "  but it prints"
        sed 's/^/    /' "$WORK/got"
    fi
}

echo "The food was cold and the waiter was rude." |
    env -u SENTIMENT_MODEL $RUN "$CLASSIFY" >"$WORK/default.out" 2>"$WORK/err" ||
    fail "classifying with the built-in model"
expect_shown '$ echo "The food was cold and the waiter was rude." | sentiment\-classify' \
    "$WORK/default.out" "the built-in model's example"

# Trained as the EXAMPLES of sentiment-train(1) train it.
if $RUN "$TRAIN" -q -e 20 -b 32 --validation 0 -o "$WORK/sample.model" \
        "$top_srcdir/corpora/sample-reviews.tsv" 2>"$WORK/err"; then
    $RUN "$CLASSIFY" -m "$WORK/sample.model" "$top_srcdir/corpora/sample-unlabeled.txt" \
        >"$WORK/sample.out" 2>"$WORK/err" || fail "classifying with the sample model"
    expect_shown '$ sentiment\-classify \-m sample.model corpora/sample\-unlabeled.txt' \
        "$WORK/sample.out" "the sample model's example"
else
    fail "training the sample model:"; sed 's/^/    /' "$WORK/err"
fi

cr="${SHARED_DIR:-}/corpora/cr/test.tsv.gz"
if [ -n "${SHARED_DIR:-}" ] && [ -f "$cr" ]; then
    env -u SENTIMENT_MODEL $RUN "$CLASSIFY" --evaluate "$cr" >"$WORK/cr.out" 2>"$WORK/err" ||
        fail "evaluating the built-in model on $cr"
    expect_shown '$ sentiment\-classify \-\-evaluate cr/test.tsv.gz' "$WORK/cr.out" \
        "the --evaluate report of the built-in model on CR"
else
    echo "no $cr (SHARED_DIR): the --evaluate example was not checked"
fi

# README: "after about N s of training" and the imdb row of its table.
readme="$top_srcdir/README.md"
said=$(tr '\n' ' ' <"$readme" | grep -o 'after about *[0-9.]* s of training' |
       sed 's/[^0-9.]//g')
# The column "libsentiment train s" of the table that has one.
table=$(awk -F '|' '{ for (i = 2; i < NF; i++) if ($i == " libsentiment train s ") col = i }
                    col && $2 == " imdb " { gsub(/ /, "", $col); print $col; exit }' "$readme")
if [ -z "$said" ] || [ -z "$table" ]; then
    fail "README: no IMDb training time found (text '$said', table '$table')"
elif awk -v a="$said" -v b="$table" 'BEGIN { exit !(a - b < 1 && b - a < 1) }'; then
    pass "README says IMDb trains in about $said s, as its table ($table s)"
else
    fail "README says IMDb trains in about $said s, its table says $table s"
fi

finish
