#!/bin/sh
# A save that ends early leaves no temporary file: not when SIGTERM or
# SIGINT arrives while the model is being written (sentiment-train holds
# them back until the save is over, then stops), and not when a write fails
# on the file size limit (SIGXFSZ is ignored, so the write fails with EFBIG
# and the save cleans up).  After the rename the directory is synced.
#
# The signal is sent from inside fsync() of the temporary file by a preload
# library, tests/fsync-signal.c: the moment the temporary file is complete
# and not yet renamed.
. "${top_srcdir:-.}/tests/lib.sh"

need_fsync_shim

dir="$WORK/models"
mkdir "$dir" || exit 1
model="$dir/reviews.model"
train() {
    $RUN "$TRAIN" --epochs 2 --buckets 16 --hidden 2 --validation 0 "$@" "$DATA/tiny.tsv"
}
train -q -o "$model" || fail "training the first model"
cp "$model" "$WORK/before"

# no_temporaries: nothing but the model in $dir.
no_temporaries() {
    left=$(ls -a "$dir" | grep '\.tmp\.' || true)
    [ -z "$left" ] && pass "no temporary file is left" || fail "temporary files left: $left"
    rm -f "$dir"/*.tmp.*
}

for sig in TERM INT HUP; do
    num=$(kill -l "$sig")
    FSYNC_SIGNAL=$num LD_PRELOAD=$shim train -q --buckets 64 -o "$model" \
        >"$WORK/out" 2>"$WORK/err"
    status=$?
    [ "$status" -eq $((128 + num)) ] && pass "SIG$sig during the save stops the program (status $status)" ||
        fail "SIG$sig during the save: status $status, expected $((128 + num)); stderr: $(cat "$WORK/err")"
    no_temporaries
    expect_grep "the model was written to $model" "$WORK/err" \
        "and the message says the model was written before it stopped"
    "$CLASSIFY" -m "$model" "$DATA/tiny.tsv" >/dev/null 2>&1 && pass "the model loads" ||
        fail "the model does not load"
done

# The file size limit: 16 blocks (of 512 bytes for POSIX shells, 1024 for
# bash); the old model is smaller, the new one far larger.
cp "$WORK/before" "$model"
blocks=16
[ "$(wc -c <"$model")" -lt $((blocks * 512)) ] || fail "the first model is too large"
sh -c "ulimit -f $blocks && exec \"\$@\"" sh $RUN "$TRAIN" --epochs 1 --buckets 65536 \
    --validation 0 --quiet -o "$model" "$DATA/tiny.tsv" >"$WORK/out" 2>"$WORK/err"
status=$?
[ "$status" -eq 1 ] && pass "a save over the file size limit fails (exit 1)" ||
    fail "a save over the file size limit: status $status, expected 1"
expect_grep "File too large" "$WORK/err" "and the message says the file is too large"
no_temporaries
cmp -s "$model" "$WORK/before" && pass "the old model is as it was" ||
    fail "the old model changed"

# The directory is synced after the file, so that the rename lasts.
rm -f "$WORK/fsyncs"
FSYNC_LOG="$WORK/fsyncs" LD_PRELOAD=$shim train -q -o "$model" >/dev/null 2>&1 ||
    fail "training with the fsync log"
[ "$(tr '\n' ' ' <"$WORK/fsyncs" 2>/dev/null)" = "file directory " ] &&
    pass "the model is synced, then its directory" ||
    fail "fsync calls: $(tr '\n' ' ' <"$WORK/fsyncs" 2>/dev/null)"

finish
