#!/bin/sh
# sentiment-train killed by a signal in the middle of writing its model
# leaves the model that was there before whole.  The kill is made to land
# mid-write with a file size limit: a write past it raises SIGXFSZ, which
# ends the process as abruptly as SIGKILL would.
. "${top_srcdir:-.}/tests/lib.sh"

dir="$WORK/models"
mkdir "$dir" || exit 1
model="$dir/reviews.model"
"$TRAIN" --epochs 3 --buckets 16 --hidden 2 --validation 0 --quiet -o "$model" \
    "$DATA/tiny.tsv" || fail "training the first model"
cp "$model" "$WORK/before"
cut -f2 "$DATA/tiny.tsv" >"$WORK/texts"
"$CLASSIFY" -m "$model" "$WORK/texts" >"$WORK/expected" || fail "classifying"

# The new model is far larger than the limit, 16 blocks (of 512 bytes for
# POSIX shells, 1024 for bash); the old one is smaller.
blocks=16
[ "$(wc -c <"$model")" -lt $((blocks * 512)) ] || fail "the first model is too large"
sh -c "ulimit -f $blocks && exec \"\$@\"" sh $RUN "$TRAIN" --epochs 3 --buckets 65536 \
    --validation 0 --quiet -o "$model" "$DATA/tiny.tsv" >"$WORK/out" 2>"$WORK/err"
status=$?
[ "$status" -gt 128 ] && pass "the training was killed by a signal (status $status)" ||
    fail "the training was to be killed by a signal; status $status"

cmp -s "$model" "$WORK/before" && pass "the old model is byte for byte as before" ||
    fail "the old model changed"
expect_exit 0 "the old model loads" "$CLASSIFY" -m "$model" "$WORK/texts"
cmp -s "$WORK/out" "$WORK/expected" && pass "and classifies as before" ||
    fail "the old model classifies otherwise"
# What was being written stays beside it, cut at the limit: the kill did
# land mid-write.
tmp=$(ls "$dir" | grep -v '^reviews\.model$')
size=$( [ -n "$tmp" ] && wc -c <"$dir/$tmp" || echo 0)
if [ "$size" -gt 0 ] && [ "$size" -le $((blocks * 1024)) ]; then
    pass "the temporary file was cut at the limit ($size bytes)"
else
    fail "expected one temporary file cut at the limit; found: $(ls -l "$dir")"
fi

finish
