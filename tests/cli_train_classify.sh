#!/bin/sh
# Both programs end to end on the tiny corpus in tests/data.
. "${top_srcdir:-.}/tests/lib.sh"

model="$WORK/tiny.model"
fast="--epochs 40 --buckets 4096 --hidden 8 --validation 0 --quiet"

expect_exit 0 "sentiment-train --help" $RUN "$TRAIN" --help
expect_grep "Usage: sentiment-train" "$WORK/out" "train --help prints usage"
expect_exit 0 "sentiment-classify --version" $RUN "$CLASSIFY" --version
expect_grep "libsentiment" "$WORK/out" "classify --version names the library"

expect_exit 0 "training on the tiny corpus" $RUN "$TRAIN" $fast -o "$model" "$DATA/tiny.tsv"
[ -s "$model" ] && pass "model file written" || fail "no model file"
[ -s "$WORK/err" ] && fail "--quiet training printed to stderr" || pass "--quiet is quiet"

expect_exit 0 "training with progress" $RUN "$TRAIN" --epochs 3 --buckets 4096 -o "$WORK/p.model" "$DATA/tiny.tsv"
expect_grep "epoch 3/3" "$WORK/err" "progress names each epoch"
expect_grep "loss" "$WORK/err" "progress shows the loss"

cut -f2 "$DATA/tiny.tsv" >"$WORK/texts"
expect_exit 0 "classifying a file" $RUN "$CLASSIFY" -m "$model" "$WORK/texts"
[ "$(wc -l <"$WORK/out")" -eq 40 ] && pass "one output line per input line" ||
    fail "expected 40 lines, got $(wc -l <"$WORK/out")"
bad=$(grep -cvE '^(neg|pos)	(0|1)\.[0-9]{4}$' "$WORK/out")
[ "$bad" -eq 0 ] && pass "every line is LABEL<TAB>PROBABILITY" || fail "$bad malformed output lines"
cut -f1 "$WORK/out" >"$WORK/predicted"
right=$(cut -f1 "$DATA/tiny.tsv" | paste - "$WORK/predicted" | awk '$1 == $2' | wc -l)
[ "$right" -ge 38 ] && pass "$right of 40 training texts right" || fail "only $right of 40 right"
cp "$WORK/out" "$WORK/from_file"

$RUN "$CLASSIFY" -m "$model" <"$WORK/texts" >"$WORK/out" 2>"$WORK/err"
cmp -s "$WORK/out" "$WORK/from_file" && pass "stdin gives the same output" || fail "stdin output differs"
gzip -c "$WORK/texts" >"$WORK/texts.gz"
$RUN "$CLASSIFY" -m "$model" - <"$WORK/texts.gz" >"$WORK/out" 2>"$WORK/err"
cmp -s "$WORK/out" "$WORK/from_file" && pass "gzip on stdin gives the same output" || fail "gzip output differs"

# Threads share the work, and the output stays the same, in input order.
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$WORK/texts"; done >"$WORK/many"
$RUN "$CLASSIFY" -m "$model" --threads 1 "$WORK/many" >"$WORK/one" 2>"$WORK/err"
$RUN "$CLASSIFY" -m "$model" --threads 4 "$WORK/many" >"$WORK/four" 2>"$WORK/err"
[ "$(wc -l <"$WORK/four")" -eq 400 ] && cmp -s "$WORK/one" "$WORK/four" &&
    pass "1 or 4 threads, the same 400 lines in order" || fail "threads changed the output"
expect_exit 2 "a bad thread count" $RUN "$CLASSIFY" -m "$model" --threads many "$WORK/texts"

printf 'great\n\n\r\nawful\n\0\001\377 junk\n' >"$WORK/odd"
expect_exit 0 "classifying blank and binary lines" $RUN "$CLASSIFY" -m "$model" "$WORK/odd"
[ "$(wc -l <"$WORK/out")" -eq 5 ] && pass "blank and binary lines still get an output line" ||
    fail "expected 5 lines, got $(wc -l <"$WORK/out")"

expect_exit 0 "evaluating" $RUN "$CLASSIFY" -m "$model" --evaluate "$DATA/tiny.tsv"
expect_grep '^accuracy: 0\.9[5-9][0-9][0-9]$\|^accuracy: 1\.0000$' "$WORK/out" "training accuracy at least 0.95"
expect_grep '^examples: 40$' "$WORK/out" "evaluation counts 40 examples"
expect_grep 'confusion matrix' "$WORK/out" "evaluation prints a confusion matrix"
expect_grep '^pos  *[01]\.[0-9]*  *[01]\.[0-9]*  *[01]\.[0-9]*  *20$' "$WORK/out" "per-label precision, recall, f1, support"

sed 's/^\([a-z]*\)	/__label__\1 /' "$DATA/tiny.tsv" >"$WORK/fasttext.txt"
expect_exit 0 "training on fastText-format lines" $RUN "$TRAIN" $fast -o "$WORK/ft.model" "$WORK/fasttext.txt"
expect_exit 0 "evaluating fastText-format lines" $RUN "$CLASSIFY" -m "$WORK/ft.model" --evaluate "$WORK/fasttext.txt"
expect_grep '^examples: 40$' "$WORK/out" "fastText format read whole"

expect_exit 0 "training twice with one seed" $RUN "$TRAIN" $fast --seed 7 -o "$WORK/s1.model" "$DATA/tiny.tsv"
$RUN "$TRAIN" $fast --seed 7 -o "$WORK/s2.model" "$DATA/tiny.tsv"
cmp -s "$WORK/s1.model" "$WORK/s2.model" && pass "same seed, same model bytes" || fail "same seed gave different models"

$RUN "$TRAIN" $fast --seed 7 --threads 1 -o "$WORK/t1.model" "$DATA/tiny.tsv"
$RUN "$TRAIN" $fast --seed 7 --threads 3 -o "$WORK/t3.model" "$DATA/tiny.tsv"
cmp -s "$WORK/t1.model" "$WORK/t3.model" && pass "1 or 3 threads, same model bytes" ||
    fail "the number of threads changed the model"

# Three labels, and a corpus read from stdin.
awk -F'\t' 'NR % 3 == 0 { $1 = "meh" } { print $1 "\t" $2 }' "$DATA/tiny.tsv" >"$WORK/three.tsv"
expect_exit 0 "training three labels from stdin" sh -c "$RUN '$TRAIN' $fast -o '$WORK/three.model' - <'$WORK/three.tsv'"
expect_exit 0 "evaluating three labels" $RUN "$CLASSIFY" -m "$WORK/three.model" --evaluate "$WORK/three.tsv"
expect_grep '^meh ' "$WORK/out" "report has the third label"

# What people see: a CSV row per epoch, an SVG of the curves, the report.
head -n 30 "$DATA/tiny.tsv" >"$WORK/train30.tsv"
tail -n 10 "$DATA/tiny.tsv" >"$WORK/valid10.tsv"
expect_exit 0 "training with --valid, --log and --plot" $RUN "$TRAIN" --epochs 4 --patience 0 \
    --buckets 4096 --valid "$WORK/valid10.tsv" --log "$WORK/log.csv" --plot "$WORK/curves.svg" \
    -o "$WORK/v.model" "$WORK/train30.tsv"
expect_grep "valid10.tsv: 10 validation examples" "$WORK/err" "validation file counted"
expect_grep "validation report for the model kept" "$WORK/err" "the validation report is printed"
expect_grep "^examples: 10$" "$WORK/err" "the report covers the validation file"
[ "$(head -n 1 "$WORK/log.csv")" = "epoch,train_loss,valid_accuracy,elapsed_seconds,valid_loss" ] &&
    pass "the log has its header" || fail "log header: $(head -n 1 "$WORK/log.csv")"
[ "$(wc -l <"$WORK/log.csv")" -eq 5 ] && pass "one log row per epoch" || fail "log rows: $(wc -l <"$WORK/log.csv")"
bad=$(tail -n +2 "$WORK/log.csv" | grep -cvE '^[1-4],[0-9.]+,[01]\.[0-9]+,[0-9.]+,[0-9.]+$')
[ "$bad" -eq 0 ] && pass "log rows are well formed" || fail "$bad malformed log rows"
expect_grep "<svg" "$WORK/curves.svg" "the plot is an SVG document"
expect_grep "validation accuracy" "$WORK/curves.svg" "the plot shows validation accuracy"
[ "$(grep -c '<circle' "$WORK/curves.svg")" -eq 12 ] && pass "the plot has a point per epoch and curve" ||
    fail "plot points: $(grep -c '<circle' "$WORK/curves.svg")"
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout "$WORK/curves.svg" && pass "the SVG is well-formed XML" || fail "the SVG is not well-formed"
fi
# Validation examples with their labels swapped: the better the model
# learns the training ones, the higher their loss, so the first epoch stays
# the best and training stops two epochs later.
awk -F'\t' -v OFS='\t' '{ $1 = $1 == "pos" ? "neg" : "pos"; print }' "$WORK/valid10.tsv" \
    >"$WORK/swapped10.tsv"
expect_exit 0 "early stopping" $RUN "$TRAIN" --epochs 200 --patience 2 --buckets 4096 \
    --valid "$WORK/swapped10.tsv" -o "$WORK/p.model" "$WORK/train30.tsv"
expect_grep "stopping early" "$WORK/err" "training says it stopped early"
expect_grep "epoch 3/200" "$WORK/err" "it stops after the patience"
if grep -q "epoch 4/200" "$WORK/err"; then fail "training went on after epoch 3"; else pass "no epoch after the third"; fi

finish
