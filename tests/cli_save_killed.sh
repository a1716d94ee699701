#!/bin/sh
# sentiment-train killed by a signal in the middle of writing its model
# leaves the model that was there before whole.  SIGKILL, which nothing can
# catch or hold back, is sent from inside fsync() of the temporary file by
# a preload library (tests/fsync-signal.c): the new model is then complete
# but not yet renamed into place.  (The file size limit used to stand for
# the kill; sentiment-train now ignores SIGXFSZ and fails cleanly there,
# see tests/cli_save_signals.sh.)
. "${top_srcdir:-.}/tests/lib.sh"

need_fsync_shim

dir="$WORK/models"
mkdir "$dir" || exit 1
model="$dir/reviews.model"
"$TRAIN" --epochs 3 --buckets 16 --hidden 2 --validation 0 --quiet -o "$model" \
    "$DATA/tiny.tsv" || fail "training the first model"
cp "$model" "$WORK/before"
cut -f2 "$DATA/tiny.tsv" >"$WORK/texts"
"$CLASSIFY" -m "$model" "$WORK/texts" >"$WORK/expected" || fail "classifying"

FSYNC_SIGNAL=9 LD_PRELOAD=$shim $RUN "$TRAIN" --epochs 3 --buckets 4096 \
    --validation 0 --quiet -o "$model" "$DATA/tiny.tsv" >"$WORK/out" 2>"$WORK/err"
status=$?
[ "$status" -eq 137 ] && pass "the training was killed by SIGKILL (status $status)" ||
    fail "the training was to be killed by SIGKILL; status $status"

cmp -s "$model" "$WORK/before" && pass "the old model is byte for byte as before" ||
    fail "the old model changed"
expect_exit 0 "the old model loads" "$CLASSIFY" -m "$model" "$WORK/texts"
cmp -s "$WORK/out" "$WORK/expected" && pass "and classifies as before" ||
    fail "the old model classifies otherwise"
# What was being written stays beside it (nothing can remove it after
# SIGKILL), larger than the old model: the kill did land during the save.
tmp=$(ls "$dir" | grep -v '^reviews\.model$')
size=$( [ -n "$tmp" ] && wc -c <"$dir/$tmp" || echo 0)
if [ "$size" -gt "$(wc -c <"$WORK/before")" ]; then
    pass "the new model was written under a temporary name ($size bytes)"
else
    fail "expected one temporary file with the new model; found: $(ls -l "$dir")"
fi

finish
