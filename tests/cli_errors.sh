#!/bin/sh
# Bad usage exits 2, bad input exits 1 with a message naming file and line.
. "${top_srcdir:-.}/tests/lib.sh"

model="$WORK/tiny.model"
"$TRAIN" --epochs 5 --buckets 4096 --quiet -o "$model" "$DATA/tiny.tsv" || fail "training"

expect_exit 2 "train without arguments" $RUN "$TRAIN"
expect_exit 2 "train without -o" $RUN "$TRAIN" "$DATA/tiny.tsv"
expect_exit 2 "train without corpus" $RUN "$TRAIN" -o "$WORK/m"
expect_exit 2 "train with an unknown option" $RUN "$TRAIN" --frobnicate -o "$WORK/m" "$DATA/tiny.tsv"
expect_exit 2 "buckets not a power of two" $RUN "$TRAIN" --buckets 1000 -o "$WORK/m" "$DATA/tiny.tsv"
expect_grep "power of two" "$WORK/err" "the message says why"
expect_exit 2 "epochs not a number" $RUN "$TRAIN" --epochs many -o "$WORK/m" "$DATA/tiny.tsv"
# Without -m, the default model: the file $SENTIMENT_MODEL names, or the
# built-in one.
expect_exit 1 "a default model that is missing" \
    env SENTIMENT_MODEL="$WORK/no-such.model" $RUN "$CLASSIFY" "$DATA/tiny.tsv"
expect_grep "SENTIMENT_MODEL=$WORK/no-such.model: No such file" "$WORK/err" \
    "the message names the variable and the file it names"
mkdir "$WORK/emptydir"
expect_exit 1 "a default model that is a directory" \
    env SENTIMENT_MODEL="$WORK/emptydir" $RUN "$CLASSIFY" "$DATA/tiny.tsv"
expect_grep "SENTIMENT_MODEL=$WORK/emptydir: is a directory, not a model file" "$WORK/err" \
    "the message names the variable and says it names a directory"
expect_exit 1 "-m a directory" $RUN "$CLASSIFY" -m "$WORK/emptydir" "$DATA/tiny.tsv"
expect_grep "^sentiment-classify: $WORK/emptydir: is a directory, not a model file\$" "$WORK/err" \
    "the message says the model is a directory"
expect_exit 1 "a directory as corpus" $RUN "$TRAIN" -q -o "$WORK/m" "$WORK/emptydir"
expect_grep "^sentiment-train: $WORK/emptydir: is a directory, not a corpus or text file\$" \
    "$WORK/err" "the message says the corpus is a directory, with no line number"
echo "The food was cold and the waiter was rude." >"$WORK/rude.txt"
expect_exit 0 "classify with the built-in model" env SENTIMENT_MODEL= $RUN "$CLASSIFY" "$WORK/rude.txt"
if grep -q "^neg	" "$WORK/out"; then pass "the built-in model calls a rude waiter neg"
else fail "the built-in model said: $(cat "$WORK/out")"; fi
expect_exit 2 "evaluate without a corpus" $RUN "$CLASSIFY" -m "$model" --evaluate

expect_exit 1 "missing corpus" $RUN "$TRAIN" -q -o "$WORK/m" "$WORK/no-such.tsv"
expect_grep "no-such.tsv" "$WORK/err" "the message names the missing file"
[ -e "$WORK/m" ] && fail "a model was written from a missing corpus" || pass "no model written on error"

printf 'pos\tfine\nneg\tbad\nthis line has no label\n' >"$WORK/bad.tsv"
expect_exit 1 "corpus line without a label" $RUN "$TRAIN" -q -o "$WORK/m" "$WORK/bad.tsv"
expect_grep "bad.tsv:3: no label" "$WORK/err" "the message names file and line"

printf 'pos\tgood\npos\tgreat\n' >"$WORK/one.tsv"
expect_exit 1 "a single label" $RUN "$TRAIN" -q -o "$WORK/m" "$WORK/one.tsv"
expect_grep "at least 2 labels" "$WORK/err" "the message says two labels are needed"

printf 'neg\tbad\nmeh\tso so\n' >"$WORK/unknown.tsv"
expect_exit 1 "evaluating an unknown label" $RUN "$CLASSIFY" -m "$model" --evaluate "$WORK/unknown.tsv"
expect_grep "unknown.tsv:2: label 'meh'" "$WORK/err" "the message names file, line and label"

expect_exit 1 "a missing model" $RUN "$CLASSIFY" -m "$WORK/none.model" "$DATA/tiny.tsv"
expect_grep "none.model" "$WORK/err" "the message names the model file"
cp "$DATA/tiny.tsv" "$WORK/text.model"
expect_exit 1 "a text file as model" $RUN "$CLASSIFY" -m "$WORK/text.model" "$DATA/tiny.tsv"
expect_grep "not a libsentiment model" "$WORK/err" "the message says it is no model"
size=$(wc -c <"$model")
head -c $((size / 2)) "$model" >"$WORK/half.model"
expect_exit 1 "a truncated model" $RUN "$CLASSIFY" -m "$WORK/half.model" "$DATA/tiny.tsv"
expect_grep "damaged model file" "$WORK/err" "the message says the model is damaged"

# A gzip file cut short once made the reader retry forever.
gzip -c "$DATA/tiny.tsv" | head -c 200 >"$WORK/cut.tsv.gz"
expect_exit 1 "a truncated gzip corpus" timeout 20 $RUN "$TRAIN" -q -o "$WORK/m" "$WORK/cut.tsv.gz"
expect_grep "cut.tsv.gz:[0-9]*: unexpected end of file" "$WORK/err" "the message names the file and says it ends early"
expect_exit 1 "a directory as input" timeout 20 $RUN "$CLASSIFY" -m "$model" "$WORK"
expect_grep "^sentiment-classify: $WORK: is a directory, not a corpus or text file\$" "$WORK/err" \
    "the message says the input is a directory, with no line number"

# Out of memory while tokenizing a long line: the message names file and
# line, and no index the user never gave.  ulimit -v does not go with the
# sanitizers or a wrapper such as valgrind.
if [ -n "$RUN" ] || [ -n "${SANITIZER_CFLAGS:-}" ]; then
    skip "out of memory under ulimit -v: not with \$RUN or the sanitizers"
else
    awk 'BEGIN { for (i = 0; i < 400000; i++) printf "good bad fine "; print "" }' \
        >"$WORK/long.txt"
    echo "fine" >>"$WORK/long.txt"
    expect_exit 1 "out of memory while tokenizing" \
        sh -c "ulimit -v 150000 && exec '$CLASSIFY' -t 1 -m '$model' '$WORK/long.txt'"
    expect_grep "^sentiment-classify: $WORK/long.txt:1: out of memory while [a-z]*\$" \
        "$WORK/err" "the message names file and line only"
fi

cp "$model" "$WORK/keep.model"
expect_exit 1 "training into a missing directory" $RUN "$TRAIN" -q -o "$WORK/no/dir/m" "$DATA/tiny.tsv"
if [ -w /dev/full ]; then
    expect_exit 1 "output to a full disk" sh -c "$RUN '$CLASSIFY' -m '$model' '$DATA/tiny.tsv' >/dev/full"
fi

finish
