#!/bin/sh
# sentiment-train --from MODEL fine-tunes a model: its shape is kept and an
# option that would change it is a usage error, labels it lacks are
# refused by name, "default" is the default model, and neither --log nor
# --plot may overwrite the model it reads.
. "${top_srcdir:-.}/tests/lib.sh"

tiny="$DATA/tiny.tsv"
base="$WORK/base.model"
unset SENTIMENT_MODEL

expect_exit 0 "train a small model to start from" \
    $RUN "$TRAIN" -q --buckets 4096 --hidden 8 --ngrams 1 -e 20 --validation 0 -b 8 \
    -o "$base" "$tiny"

# ---- fine-tuning ----
expect_exit 0 "fine-tune it" \
    $RUN "$TRAIN" -q --from "$base" -e 3 -l 0.01 -o "$WORK/tuned.model" "$tiny"
if cmp -s "$base" "$WORK/tuned.model"; then
    fail "the model fine-tuned is the model it started from"
else
    pass "the model fine-tuned differs from the one it started from"
fi
expect_exit 0 "the model's own values are accepted" \
    $RUN "$TRAIN" -q --from "$base" --buckets 4096 --hidden 8 --ngrams 1 -e 1 \
    -o "$WORK/same.model" "$tiny"
$RUN "$TRAIN" --from "$base" -e 2 -o "$WORK/m" "$tiny" 2>"$WORK/err" >/dev/null
expect_grep "epoch 2/2" "$WORK/err" "a training option applies"

# ---- what would change the model's shape: a usage error ----
for option in "--buckets 1024" "--ngrams 2" "--hidden 16" "--no-negation" \
    "--stem 3" "--set html=0" "--lexicons $WORK"; do
    expect_exit 2 "--from with $option" \
        $RUN "$TRAIN" -q --from "$base" $option -o "$WORK/m" "$tiny"
    name=$(printf '%s\n' "$option" | sed -e 's/^--set //' -e 's/^--no-//' -e 's/^--//' \
        -e 's/[ =].*//')
    expect_grep "^sentiment-train: $name: fine-tuning keeps" "$WORK/err" \
        "the message names $name and says why"
done
rm -f "$WORK/m"
expect_exit 2 "the option before --from is refused too" \
    $RUN "$TRAIN" -q --buckets 1024 --from "$base" -o "$WORK/m" "$tiny"
[ -e "$WORK/m" ] && fail "a model was written" || pass "no model written"

# ---- labels the model lacks ----
printf 'neutral\tIt is a hotel.\npos\tGreat.\nneg\tAwful.\n' >"$WORK/three.tsv"
expect_exit 1 "--from with a label the model lacks" \
    $RUN "$TRAIN" -q --from "$base" -o "$WORK/m" "$WORK/three.tsv"
expect_grep "'neutral'" "$WORK/err" "the message names the label"
expect_grep "'neg', 'pos'" "$WORK/err" "the message names the model's labels"

# ---- the default model ----
expect_exit 0 "--from default" \
    $RUN "$TRAIN" -q --from default -e 1 -o "$WORK/default.model" "$tiny"
printf 'I loved it, a wonderful film.\n' >"$WORK/review.txt"
expect_exit 0 "classify with the default model fine-tuned" \
    $RUN "$CLASSIFY" -m "$WORK/default.model" "$WORK/review.txt"
expect_grep "^pos" "$WORK/out" "it still knows a positive review"

# ---- files ----
expect_exit 1 "--from a file that does not exist" \
    $RUN "$TRAIN" -q --from "$WORK/no-such.model" -o "$WORK/m" "$tiny"
expect_grep "no-such.model" "$WORK/err" "the message names the file"
cp "$base" "$WORK/keep.model"
expect_exit 2 "--log naming the model of --from" \
    $RUN "$TRAIN" -q --from "$WORK/keep.model" --log "$WORK/keep.model" -o "$WORK/m" "$tiny"
cmp -s "$base" "$WORK/keep.model" && pass "the model is unchanged" ||
    fail "the model was overwritten"
expect_exit 0 "-o naming the model of --from replaces it, as asked" \
    $RUN "$TRAIN" -q --from "$WORK/keep.model" -e 1 -o "$WORK/keep.model" "$tiny"
cmp -s "$base" "$WORK/keep.model" && fail "the model was not replaced" ||
    pass "the model was replaced by the one fine-tuned"

finish
