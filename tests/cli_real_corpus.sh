#!/bin/sh
# Trains with default options on a real corpus (CR, the smallest) read from
# ../shared beside the project, or $SENTIMENT_SHARED_DIR.
. "${top_srcdir:-.}/tests/lib.sh"

corpus="${SHARED_DIR:-}/corpora/cr"
if [ ! -r "$corpus/train.tsv.gz" ]; then
    skip_all "no real corpus at $corpus (set SENTIMENT_SHARED_DIR to the folder holding corpora/)"
fi

expect_exit 0 "training on CR with default options" $RUN "$TRAIN" -q -o "$WORK/cr.model" "$corpus/train.tsv.gz"
expect_exit 0 "evaluating on the CR test set" $RUN "$CLASSIFY" -m "$WORK/cr.model" --evaluate "$corpus/test.tsv.gz"
cat "$WORK/out"
accuracy=$(sed -n 's/^accuracy: //p' "$WORK/out")
# fastText with bigrams and its defaults reaches 0.735 here, autotuned 0.815.
if awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.80) }'; then
    pass "CR test accuracy $accuracy >= 0.80"
else
    fail "CR test accuracy $accuracy < 0.80"
fi
finish
