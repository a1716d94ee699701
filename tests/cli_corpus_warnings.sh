#!/bin/sh
# sentiment-train says when a corpus was not read as meant: labels that are
# not text, many lines skipped, labels that cannot be real, a folder of
# word lists without the lists.
. "${top_srcdir:-.}/tests/lib.sh"

train() { $RUN "$TRAIN" --epochs 1 --buckets 4096 --hidden 4 --validation 0 "$@"; }
LC_ALL=C
export LC_ALL

# expect_no_grep PATTERN FILE DESCRIPTION
expect_no_grep() {
    if grep -q -e "$1" "$2"; then
        fail "$3: '$1' found in:"
        sed 's/^/    /' "$2" | head -20
    else
        pass "$3"
    fi
}

# ---- labels must be UTF-8 text ---------------------------------------------

{ head -n 4 "$DATA/tiny.tsv"; printf 'caf\351\tgood coffee\n'; tail -n 4 "$DATA/tiny.tsv"; } \
    >"$WORK/latin1.tsv"
expect_exit 1 "a Latin-1 label" train -q -o "$WORK/m" "$WORK/latin1.tsv"
expect_grep "latin1.tsv:5: label is not valid UTF-8" "$WORK/err" \
    "the message names file and line and says why"
{ head -n 4 "$DATA/tiny.tsv"; printf 'pos\r\tgood\n'; } >"$WORK/cr.tsv"
# (--valid, and so no --validation share, which the two exclude each other)
expect_exit 1 "a CR inside a label" $RUN "$TRAIN" --epochs 1 --buckets 4096 --hidden 4 -q \
    --valid "$WORK/cr.tsv" -o "$WORK/m" "$DATA/tiny.tsv"
expect_grep "cr.tsv:5: control character U+000D in the label" "$WORK/err" \
    "a validation file names file and line too"

# ---- --bad-lines skip: a warning when much was skipped ---------------------

# The tiny corpus has 40 lines: 4 bad lines are 9 % of 44, 5 are 11 % of 45.
{ cat "$DATA/tiny.tsv"; printf 'no label\n%.0s' 1 2 3 4; } >"$WORK/four.tsv"
expect_exit 0 "4 bad lines of 44 skipped" train -q --bad-lines skip -o "$WORK/m" "$WORK/four.tsv"
expect_grep "skipped 4 bad lines" "$WORK/err" "the skipped lines are counted"
expect_no_grep "warning" "$WORK/err" "9 % skipped is no cause for a warning"
{ cat "$DATA/tiny.tsv"; printf 'no label\n%.0s' 1 2 3 4 5; } >"$WORK/five.tsv"
expect_exit 0 "5 bad lines of 45 skipped" train -q --bad-lines skip -o "$WORK/m" "$WORK/five.tsv"
expect_grep "warning: 5 of 45 lines (11 %) skipped" "$WORK/err" \
    "over 10 % skipped gives a warning, even with --quiet"

# ---- implausible labels ------------------------------------------------------

expect_exit 0 "the tiny corpus" train -o "$WORK/m" "$DATA/tiny.tsv"
expect_no_grep "warning" "$WORK/err" "two labels of 20 examples each give no warning"
{ cat "$DATA/tiny.tsv"; printf 'good\tpos\nbad\tneg\n'; } >"$WORK/swapped.tsv"
expect_exit 0 "two lines with the columns swapped" train -q -o "$WORK/m" "$WORK/swapped.tsv"
expect_no_grep "warning" "$WORK/err" "half the labels seen once give no warning"
printf 'fine\tpos\n' >>"$WORK/swapped.tsv"
expect_exit 0 "three lines with the columns swapped" train -q -o "$WORK/m" "$WORK/swapped.tsv"
expect_grep "warning: 5 labels, 3 of them seen once" "$WORK/err" \
    "most labels seen once give a warning"
awk 'BEGIN { for (i = 0; i < 101; i++) printf "l%d\tsome text\nl%d\tmore text\n", i, i }' \
    >"$WORK/many.tsv"
expect_exit 0 "101 labels of 2 examples each" train -q -o "$WORK/m" "$WORK/many.tsv"
expect_grep "warning: 101 labels" "$WORK/err" "more than 100 labels give a warning"

# Random bytes once trained a "model" of 135 junk labels without a word.
awk 'BEGIN { srand(12); for (i = 0; i < 2000000; i++) printf "%c", int(rand() * 256) }' \
    >"$WORK/random.bin"
expect_exit 0 "random bytes with --bad-lines skip" \
    train -q --bad-lines skip -o "$WORK/m" "$WORK/random.bin"
expect_grep "warning: .* lines (.* %) skipped" "$WORK/err" \
    "random bytes: a warning about the lines skipped"
expect_grep "warning: [0-9]* labels, [0-9]* of them seen once" "$WORK/err" \
    "random bytes: a warning about the labels"

# ---- --lexicons: a folder without the word lists ----------------------------

mkdir "$WORK/lists"
expect_exit 2 "--lexicons with an empty folder" train -q --lexicons "$WORK/lists" \
    -o "$WORK/m" "$DATA/tiny.tsv"
expect_grep "lists: holds no word list (negation.txt, contrast.txt, intensifiers.txt, emoticons.txt)" \
    "$WORK/err" "the message names the four files"
printf 'not\n' >"$WORK/lists/negation.txt"
: >"$WORK/lists/contrast.txt"
expect_exit 2 "--lexicons with two of four lists" train -q --lexicons "$WORK/lists" \
    -o "$WORK/m" "$DATA/tiny.tsv"
expect_grep "lists: no intensifiers.txt, emoticons.txt" "$WORK/err" \
    "the message names the two files missing"
: >"$WORK/lists/intensifiers.txt"
: >"$WORK/lists/emoticons.txt"
expect_exit 0 "--lexicons with four lists, three of them empty" train -q \
    --lexicons "$WORK/lists" -o "$WORK/m" "$DATA/tiny.tsv"

finish
