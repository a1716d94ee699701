#!/bin/sh
# sentiment-train writes its model only where it was asked to, and says
# before training when it cannot: a device, FIFO or directory is never
# replaced by a file, a symbolic link has its target replaced and stays a
# link, a corpus is never overwritten by the model, and --log and --plot are
# checked along with -o.  A replaced model keeps its mode and owner.
. "${top_srcdir:-.}/tests/lib.sh"

# Training as quick as it gets; the options come before the caller's.
train() {
    $RUN "$TRAIN" --epochs 1 --buckets 16 --hidden 2 --validation 0 "$@"
}

# loads FILE DESCRIPTION: FILE is a model that sentiment-classify reads.
loads() {
    if echo "good" | "$CLASSIFY" -m "$1" >/dev/null 2>&1; then
        pass "$2"
    else
        fail "$2: $1 does not load as a model"
    fi
}

# no_temporaries DIR...: nothing named *.tmp.* is left in any DIR.
no_temporaries() {
    left=$(ls -a "$@" | grep '\.tmp\.' || true)
    [ -z "$left" ] && pass "no temporary file left in $*" ||
        fail "temporary files left: $left"
}

corpus="$WORK/corpus.tsv"
cp "$DATA/tiny.tsv" "$corpus" || exit 1
chmod 644 "$corpus"

# ---- devices, FIFOs, directories and symbolic links (item 1) ----------------

mkfifo "$WORK/fifo" || exit 1
expect_exit 1 "-o onto a FIFO is refused" train -q -o "$WORK/fifo" "$corpus"
expect_grep "fifo: not a regular file" "$WORK/err" "and the message says it is not a regular file"
[ -p "$WORK/fifo" ] && pass "the FIFO is still a FIFO" || fail "the FIFO was replaced"

if [ "$(id -u)" -eq 0 ]; then
    mknod "$WORK/null" c 1 3 || exit 1
    expect_exit 1 "-o onto a character device is refused" train -q -o "$WORK/null" "$corpus"
    expect_grep "null: not a regular file" "$WORK/err" "and the message says it is not a regular file"
    [ -c "$WORK/null" ] && pass "the device is still a device" || fail "the device was replaced"
else
    echo "skip: making a device node needs root; the FIFO stands for it"
fi

mkdir "$WORK/real" "$WORK/links" || exit 1
ln -s "$WORK/fifo" "$WORK/links/to-fifo"
expect_exit 1 "-o onto a symbolic link to a FIFO is refused" \
    train -q -o "$WORK/links/to-fifo" "$corpus"
[ -p "$WORK/fifo" ] && [ -L "$WORK/links/to-fifo" ] &&
    pass "the FIFO and the link are as they were" || fail "the FIFO or its link changed"

expect_exit 1 "-o onto a directory is refused" train -o "$WORK/real" "$corpus"
expect_grep "real: Is a directory" "$WORK/err" "and the message says it is a directory"
if grep -q "examples" "$WORK/err"; then
    fail "the corpus was read before -o was checked"
else
    pass "before any corpus is read"
fi

# A relative link, in another directory than its target.
train -q -o "$WORK/real/reviews.model" "$corpus" || fail "training the first model"
ln -s ../real/reviews.model "$WORK/links/reviews.model"
expect_exit 0 "-o onto a symbolic link to a model" \
    train -q --epochs 2 -o "$WORK/links/reviews.model" "$corpus"
[ -L "$WORK/links/reviews.model" ] && pass "the link stays a link" ||
    fail "the link was replaced by a file"
loads "$WORK/real/reviews.model" "its target is the new model"
no_temporaries "$WORK/real" "$WORK/links"

# A chain of links whose end does not exist yet: it is created.
ln -s ../real/new.model "$WORK/links/dangling"
ln -s dangling "$WORK/links/chain"
expect_exit 0 "-o onto a chain of links ending nowhere" \
    train -q -o "$WORK/links/chain" "$corpus"
loads "$WORK/real/new.model" "the file at the end of the chain is created"
[ -L "$WORK/links/chain" ] && [ -L "$WORK/links/dangling" ] &&
    pass "both links stay links" || fail "a link was replaced"

expect_exit 2 "-o - is refused: a model does not go to standard output" \
    train -q -o - "$corpus"
expect_grep "standard output" "$WORK/err" "and the message says why"
if [ -e ./- ]; then
    fail "a file named - was written"
    rm -f ./-
else
    pass "no file named - was written"
fi

# ---- the model over a corpus (item 2) ---------------------------------------

cp "$corpus" "$WORK/before.tsv"
printf 'no label here\n' >"$WORK/bad.tsv"
# bad.tsv first: had it been read, the exit would be 1 for its bad line.
expect_exit 2 "-o naming a corpus is refused before any corpus is read" \
    train -q -o "$corpus" "$WORK/bad.tsv" "$corpus"
expect_grep "corpus.tsv" "$WORK/err" "and the message names the corpus"
ln -s corpus.tsv "$WORK/corpus-link.tsv"
expect_exit 2 "-o naming a symbolic link to a corpus is refused" \
    train -q -o "$WORK/corpus-link.tsv" "$corpus"
ln "$corpus" "$WORK/corpus-hard.tsv"
expect_exit 2 "-o naming a hard link of a corpus is refused" \
    train -q -o "$WORK/corpus-hard.tsv" "$corpus"
expect_exit 2 "-o naming a --valid file is refused" \
    train -q -o "$WORK/corpus-hard.tsv" --valid "$corpus" "$DATA/tiny.tsv"
expect_exit 2 "-o naming the file standard input reads is refused" \
    sh -c '"$@" <"$0"' "$corpus" $RUN "$TRAIN" --epochs 1 --buckets 16 --hidden 2 \
    --validation 0 -q -o "$WORK/corpus-hard.tsv" -
cmp -s "$corpus" "$WORK/before.tsv" && pass "the corpus is as it was" ||
    fail "the corpus was overwritten"

# ---- what cannot be created is said before training (item 3) ----------------

expect_exit 1 "-o in a directory that does not exist" train -o "$WORK/nodir/x.model" "$corpus"
expect_grep "nodir" "$WORK/err" "and the message names it"
grep -q "examples" "$WORK/err" && fail "the corpus was read first" ||
    pass "before any corpus is read"
expect_exit 1 "--log in a directory that does not exist" \
    train -o "$WORK/x.model" --log "$WORK/nodir/log.csv" "$corpus"
grep -q "examples" "$WORK/err" && fail "the corpus was read first" ||
    pass "before any corpus is read"
expect_exit 1 "--plot in a directory that does not exist" \
    train -o "$WORK/x.model" --plot "$WORK/nodir/plot.svg" "$corpus"
grep -q "epoch" "$WORK/err" && fail "the model was trained first" ||
    pass "before training"
expect_exit 1 "--plot onto a directory" train -o "$WORK/x.model" --plot "$WORK/real" "$corpus"
grep -q "epoch" "$WORK/err" && fail "the model was trained first" ||
    pass "before training"
[ -e "$WORK/x.model" ] && fail "a model was written" || pass "no model was written"

if [ "$(id -u)" -ne 0 ]; then
    mkdir "$WORK/readonly" && chmod 555 "$WORK/readonly"
    expect_exit 1 "-o in a directory that cannot be written" \
        train -o "$WORK/readonly/x.model" "$corpus"
    grep -q "examples" "$WORK/err" && fail "the corpus was read first" ||
        pass "before any corpus is read"
else
    echo "skip: root can write in any directory, so a read-only one is not tested"
fi

expect_exit 2 "--log naming the model is refused" \
    train -q -o "$WORK/x.model" --log "$WORK/./x.model" "$corpus"
expect_exit 2 "--plot naming the model is refused" \
    train -q -o "$WORK/x.model" --plot "$WORK/x.model" "$corpus"
expect_exit 2 "--log and --plot naming one file are refused" \
    train -q -o "$WORK/x.model" --log "$WORK/same" --plot "$WORK/same" "$corpus"
expect_exit 2 "--log naming a corpus is refused" \
    train -q -o "$WORK/x.model" --log "$WORK/corpus-link.tsv" "$corpus"
expect_exit 2 "--plot naming a --valid file is refused" \
    train -q -o "$WORK/x.model" --plot "$WORK/corpus-hard.tsv" --valid "$corpus" "$DATA/tiny.tsv"
cmp -s "$corpus" "$WORK/before.tsv" && pass "the corpus is as it was" ||
    fail "the corpus was overwritten"
[ -e "$WORK/x.model" ] || [ -e "$WORK/same" ] && fail "something was written" ||
    pass "nothing was written"

# ---- mode and owner of a replaced model (item 4) ----------------------------

model="$WORK/mode.model"
(umask 027 && train -q -o "$model" "$corpus") || fail "training a new model"
[ "$(stat -c %a "$model")" = 640 ] && pass "a new model has the mode the umask allows" ||
    fail "a new model has mode $(stat -c %a "$model") under umask 027"
chmod 600 "$model"
expect_exit 0 "replacing a model of mode 600" train -q -o "$model" "$corpus"
[ "$(stat -c %a "$model")" = 600 ] && pass "it keeps mode 600" ||
    fail "its mode became $(stat -c %a "$model")"
if [ "$(id -u)" -eq 0 ]; then
    chown 1234:5678 "$model"
    expect_exit 0 "replacing a model of another owner" train -q -o "$model" "$corpus"
    [ "$(stat -c %u:%g "$model")" = 1234:5678 ] && pass "it keeps its owner and group" ||
        fail "its owner became $(stat -c %u:%g "$model")"
else
    echo "skip: giving a file to another owner needs root"
fi

# ---- --log and --plot failing after the model was written (item 6) ----------

if [ -c /dev/full ]; then
    rm -f "$WORK/x.model"
    expect_exit 1 "--log onto a full device" train -q -o "$WORK/x.model" --log /dev/full "$corpus"
    expect_grep "/dev/full: .*the model was written to $WORK/x.model" "$WORK/err" \
        "and the message says the model was written, and where"
    loads "$WORK/x.model" "the model was written"
    rm -f "$WORK/x.model"
    expect_exit 1 "--plot onto a full device" train -q -o "$WORK/x.model" --plot /dev/full "$corpus"
    expect_grep "/dev/full: .*the model was written to $WORK/x.model" "$WORK/err" \
        "and the message says the model was written, and where"
    loads "$WORK/x.model" "the model was written"
else
    echo "skip: no /dev/full to make --log and --plot fail"
fi

finish
