#!/bin/sh
# What sentiment-train shows of the validation: the --plot picture draws the
# validation loss that picks the epoch, its accuracy axis ends at 1, and the
# validation report has the log-loss line that sentiment-classify
# --evaluate prints.
. "${top_srcdir:-.}/tests/lib.sh"

tiny="$DATA/tiny.tsv"
svg="$WORK/curves.svg"

# Validated on the training corpus itself: every epoch is right on every
# example (an accuracy of 1.0 throughout) while the loss keeps falling.
expect_exit 0 "train with --plot and --valid" \
    $RUN "$TRAIN" --buckets 4096 -e 4 -l 0.05 --valid "$tiny" --plot "$svg" \
    -o "$WORK/m" "$tiny"
cp "$WORK/err" "$WORK/train.err"

# ---- the validation loss is drawn, one point per epoch ----
expect_grep 'class="validation-loss"' "$svg" "the plot has a validation loss series"
expect_grep '>validation loss<' "$svg" "the plot names the validation loss"
points=$(grep 'class="validation-loss"' "$svg" | sed 's/.*points="//; s/".*//' | wc -w)
if [ "$points" -eq 4 ]; then pass "the validation loss has a point for each of the 4 epochs"
else fail "the validation loss has $points points, expected 4"; fi
# Its values are those of the progress lines.
for e in 1 2 3 4; do
    loss=$(sed -n "s/.*epoch $e\/4 .*validation loss \([0-9.]*\) .*/\1/p" "$WORK/train.err")
    expect_grep "<title>epoch $e: validation loss $loss" "$svg" \
        "epoch $e's point gives its validation loss"
done
expect_grep '<title>epoch 4: validation loss [0-9.]* (kept)' "$svg" \
    "the point of the kept epoch is marked on the validation loss"

# ---- the accuracy axis ends at 1 ----
sed -n '/>validation accuracy</,$p' "$svg" |
    sed -n 's/.*text-anchor="end">\([0-9.]*\)<.*/\1/p' >"$WORK/ticks"
top=$(sort -n "$WORK/ticks" | tail -1)
if [ -s "$WORK/ticks" ] && awk -v t="$top" 'BEGIN { exit !(t == 1) }'; then
    pass "the accuracy axis ends at 1 (ticks: $(paste -sd ' ' "$WORK/ticks"))"
else
    fail "the accuracy axis ends at '$top', not 1 (ticks: $(paste -sd ' ' "$WORK/ticks"))"
fi

# ---- the report's log loss ----
expect_grep '^log-loss: [0-9]' "$WORK/train.err" "the validation report has a log-loss line"
kept=$(sed -n 's/.*validation loss \([0-9.]*\) .*(best)$/\1/p' "$WORK/train.err" | tail -1)
expect_grep "^log-loss: $kept\$" "$WORK/train.err" \
    "the report's log loss is the kept epoch's validation loss ($kept)"
expect_exit 0 "evaluate the model on the validation corpus" \
    $RUN "$CLASSIFY" -m "$WORK/m" --evaluate "$tiny"
want=$(sed -n 's/^log-loss: //p' "$WORK/out")
expect_grep "^log-loss: $want\$" "$WORK/train.err" \
    "the report's log loss is what sentiment-classify --evaluate gives ($want)"

finish
