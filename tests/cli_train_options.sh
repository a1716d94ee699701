#!/bin/sh
# sentiment-train's options say what they do: -t is --threads as in
# sentiment-classify, --valid and --validation are not confused, a first
# layer of zeros is refused, a diverging run is warned about, and -V gives
# the program's and the library's versions.
. "${top_srcdir:-.}/tests/lib.sh"

tiny="$DATA/tiny.tsv"
small="--buckets 4096 -e 3"

# ---- -t N: threads, as for sentiment-classify ----
expect_exit 0 "train with -t 1" $RUN "$TRAIN" -q $small -t 1 -o "$WORK/t1.model" "$tiny"
expect_exit 0 "train with --threads 2" $RUN "$TRAIN" -q $small --threads 2 -o "$WORK/t2.model" "$tiny"
if cmp -s "$WORK/t1.model" "$WORK/t2.model"; then
    pass "-t 1 and --threads 2 train the same model"
else
    fail "-t 1 and --threads 2 train different models"
fi
expect_exit 2 "-t with a value out of range" $RUN "$TRAIN" -q $small -t 999 -o "$WORK/m" "$tiny"
expect_grep "threads" "$WORK/err" "the message names the threads option"

# ---- --valid NUMBER: a share meant for --validation ----
expect_exit 2 "--valid with a number that is no file" \
    $RUN "$TRAIN" -q $small --valid 0.1 -o "$WORK/m" "$tiny"
expect_grep "validation=0.1" "$WORK/err" "the message suggests --validation=0.1"
[ -e "$WORK/m" ] && fail "a model was written" || pass "no model written"
# A file of that name is a file.
cp "$tiny" "$WORK/0.1"
train=$(cd "$(dirname "$TRAIN")" && pwd)/$(basename "$TRAIN")
tiny_abs=$(cd "$DATA" && pwd)/tiny.tsv
(cd "$WORK" && $RUN "$train" -q $small --valid 0.1 -o m "$tiny_abs") >"$WORK/out" 2>"$WORK/err" &&
    pass "--valid with a file named 0.1 reads it" ||
    { fail "--valid with a file named 0.1:"; sed 's/^/    /' "$WORK/err"; }
expect_exit 1 "--valid with a missing file that is no number" \
    $RUN "$TRAIN" -q $small --valid "$WORK/no-such.tsv" -o "$WORK/m" "$tiny"
expect_grep "no-such.tsv" "$WORK/err" "the message names the missing file"

# ---- --validation together with --valid: one would be ignored ----
expect_exit 2 "--validation with --valid" \
    $RUN "$TRAIN" -q $small --validation 0.2 --valid "$tiny" -o "$WORK/m" "$tiny"
expect_grep "validation.*valid" "$WORK/err" "the message names both options"
expect_exit 2 "--valid with --set validation=..." \
    $RUN "$TRAIN" -q $small --valid "$tiny" --set validation=0.2 -o "$WORK/m" "$tiny"

# ---- --init-scale 0: every first-layer weight zero, a constant model ----
expect_exit 2 "--init-scale 0" $RUN "$TRAIN" -q $small --init-scale 0 -o "$WORK/m" "$tiny"
expect_grep "init-scale" "$WORK/err" "the message names init-scale"
expect_exit 2 "--set init-scale=0.0" $RUN "$TRAIN" -q $small --set init-scale=0.0 -o "$WORK/m" "$tiny"
expect_exit 0 "--init-scale 0.001" $RUN "$TRAIN" -q $small --init-scale 0.001 -o "$WORK/m" "$tiny"

# ---- a diverging run: the training loss grows for two epochs ----
# With plain steps of 100 and no normalization the loss goes 16.6, 25.9,
# 34.5 on the tiny corpus (it is the same with any number of threads).
expect_exit 0 "train with a learning rate far too high" \
    $RUN "$TRAIN" $small -l 100 --no-batchnorm --init-scale 100 --validation 0 \
    -o "$WORK/m" "$tiny"
expect_grep "warning: the training loss grew for two epochs in a row" "$WORK/err" \
    "a warning says the loss grew"
expect_grep "learning rate" "$WORK/err" "the warning names the learning rate"
expect_exit 0 "the same with --quiet" \
    $RUN "$TRAIN" -q $small -l 100 --no-batchnorm --init-scale 100 --validation 0 \
    -o "$WORK/m" "$tiny"
expect_grep "training loss grew" "$WORK/err" "the warning is given even with --quiet"
expect_exit 0 "train with the default learning rate" $RUN "$TRAIN" $small -o "$WORK/m" "$tiny"
if grep -q "warning" "$WORK/err"; then
    fail "a run that converges is warned about:"; sed 's/^/    /' "$WORK/err"
else
    pass "a run that converges gives no warning"
fi

# ---- -V: the program's version and the library's ----
version=$(sed -n 's/^#define SENTIMENT_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
    "$top_srcdir/src/sentiment.h" | paste -sd . -)
for prog in "$TRAIN" "$CLASSIFY"; do
    name=$(basename "$prog")
    expect_exit 0 "$name -V" $RUN "$prog" -V
    expect_grep "^$name $version\$" "$WORK/out" "$name -V gives the program's version"
    expect_grep "^libsentiment $version\$" "$WORK/out" "$name -V gives the library's version"
done

finish
