#!/bin/sh
# Whatever a line holds, sentiment-classify prints one line for it, and a
# corpus line that cannot be used gives a correct result or a message
# naming file and line; --bad-lines skip skips and counts such lines.
. "${top_srcdir:-.}/tests/lib.sh"

# The 100 MB line is made here and deleted at the end, never kept.
big_dir="$top_builddir/tests/work/cli_bad_input.$$"
trap 'rm -rf "$WORK" "$big_dir"' EXIT
mkdir -p "$big_dir" || exit 1

model="$WORK/tiny.model"
"$TRAIN" --epochs 5 --buckets 4096 --validation 0 --quiet -o "$model" "$DATA/tiny.tsv" ||
    fail "training"

# expect_one_line_each FILE LINES DESCRIPTION: classifies FILE and checks
# that LINES well-formed lines come out.
expect_one_line_each() {
    expect_exit 0 "$3" $RUN "$CLASSIFY" -m "$model" "$1"
    got=$(wc -l <"$WORK/out")
    bad=$(grep -cvE '^(neg|pos)	(0|1)\.[0-9]{4}$' "$WORK/out")
    [ "$got" -eq "$2" ] && [ "$bad" -eq 0 ] && pass "$3: $2 lines out" ||
        fail "$3: expected $2 well-formed lines, got $got ($bad malformed)"
}

# ---- classifying: one output line per input line -------------------------

printf '\357\273\277a byte order mark first\n' >"$WORK/odd"
printf '\n' >>"$WORK/odd"                          # empty
printf 'NUL\000bytes\000\000inside\n' >>"$WORK/odd"
printf '\000\n' >>"$WORK/odd"                      # only a NUL
printf 'invalid \377\376 UTF-8 \303 \355\240\200 \300\257\n' >>"$WORK/odd"
printf 'a CRLF line\r\n' >>"$WORK/odd"
printf '\r\n' >>"$WORK/odd"                        # only a CR
printf 'pos\tlooks like a corpus line\n' >>"$WORK/odd"
printf '   \t  \n' >>"$WORK/odd"
printf '\360\237\230\200\360\237\230\200 <br /> &amp; :-(\n' >>"$WORK/odd"
printf 'no newline at the end' >>"$WORK/odd"
expect_one_line_each "$WORK/odd" 11 "odd lines"
gzip -c "$WORK/odd" >"$WORK/odd.gz"
expect_one_line_each "$WORK/odd.gz" 11 "odd lines, gzip-compressed"

printf 'before\n' >"$big_dir/big.txt"
head -c 100000000 /dev/zero | tr '\0' 'a' >>"$big_dir/big.txt"
printf '\nafter\n' >>"$big_dir/big.txt"
expect_one_line_each "$big_dir/big.txt" 3 "a 100 MB line"
head -c 100000000 /dev/zero | tr '\0' '\377' >"$big_dir/big.txt"
expect_one_line_each "$big_dir/big.txt" 1 "a 100 MB line of invalid UTF-8 without newline"
rm -f "$big_dir/big.txt"

# ---- training: every oddity either works or names file and line ----------

train() { $RUN "$TRAIN" --epochs 5 --buckets 4096 --validation 0 --quiet "$@"; }

# CRLF line ends and a byte order mark change nothing: same model, byte
# for byte.
sed 's/$/\r/' "$DATA/tiny.tsv" >"$WORK/crlf.tsv"
expect_exit 0 "a corpus with CRLF line ends" train -o "$WORK/crlf.model" "$WORK/crlf.tsv"
cmp -s "$WORK/crlf.model" "$model" && pass "CRLF gives the same model" ||
    fail "CRLF gives another model"
{ printf '\357\273\277'; cat "$WORK/crlf.tsv"; } >"$WORK/bom.tsv"
expect_exit 0 "a corpus with a byte order mark" train -o "$WORK/bom.model" "$WORK/bom.tsv"
cmp -s "$WORK/bom.model" "$model" && pass "a byte order mark gives the same model" ||
    fail "a byte order mark gives another model"

{ cat "$DATA/tiny.tsv"; printf 'pos\t\nneg\t\000\000\nneg\t\377\376 \303\n__label__pos\n'; } \
    >"$WORK/odd.tsv"
expect_exit 0 "empty texts, NUL bytes and invalid UTF-8 in texts" \
    train -o "$WORK/m" "$WORK/odd.tsv"

{ cat "$DATA/tiny.tsv"; printf 'pos\t'; head -c 100000000 /dev/zero | tr '\0' 'a'; echo; } \
    >"$big_dir/big.tsv"
expect_exit 0 "a corpus with a 100 MB line" train -o "$WORK/m" "$big_dir/big.tsv"
rm -f "$big_dir/big.tsv"

# Lines that cannot be used: each stops training with its file and line.
check_bad_line() { # DESCRIPTION LINE-BYTES MESSAGE
    { head -n 4 "$DATA/tiny.tsv"; printf "$2"; tail -n 4 "$DATA/tiny.tsv"; } >"$WORK/bad.tsv"
    rm -f "$WORK/m"
    expect_exit 1 "$1" train -o "$WORK/m" "$WORK/bad.tsv"
    expect_grep "bad.tsv:5: $3" "$WORK/err" "$1: the message names file and line"
    [ -e "$WORK/m" ] && fail "$1: a model was written" || pass "$1: no model written"
}
check_bad_line "a line without a label" 'no label at all\n' "no label"
check_bad_line "an empty label" '\tno label\n' "empty label"
check_bad_line "an empty fastText label" '__label__ text\n' "empty label"
check_bad_line "a NUL byte in the label" 'p\000s\ttext\n' "NUL byte in the label"

# --bad-lines skip: skipped, counted, the first one named.
{ printf 'no label\n'; cat "$DATA/tiny.tsv"; printf '\tempty label\n'; } >"$WORK/bad.tsv"
expect_exit 0 "--bad-lines skip" train --bad-lines skip -o "$WORK/m" "$WORK/bad.tsv"
expect_grep "skipped 2 bad lines, the first at .*bad.tsv:1: no label" "$WORK/err" \
    "the count and the first bad line are printed"
cmp -s "$WORK/m" "$model" && pass "the bad lines changed nothing" ||
    fail "skipping bad lines gave another model"
expect_exit 1 "--bad-lines stop" train --bad-lines stop -o "$WORK/m" "$WORK/bad.tsv"
expect_grep "bad.tsv:1: no label" "$WORK/err" "stop names file and line"
expect_exit 2 "--bad-lines with another word" train --bad-lines ignore -o "$WORK/m" "$WORK/bad.tsv"

# ---- evaluating: an unknown label or none --------------------------------

{ head -n 3 "$DATA/tiny.tsv"; printf 'meh\tso so\nno label\n'; tail -n 3 "$DATA/tiny.tsv"; } \
    >"$WORK/eval.tsv"
expect_exit 1 "evaluating an unknown label" $RUN "$CLASSIFY" -m "$model" --evaluate "$WORK/eval.tsv"
expect_grep "eval.tsv:4: label 'meh' is not one of the model's" "$WORK/err" \
    "the message names file, line and label"
expect_exit 0 "evaluating with --bad-lines skip" \
    $RUN "$CLASSIFY" -m "$model" --evaluate --bad-lines skip "$WORK/eval.tsv"
expect_grep "skipped 2 bad lines, the first at .*eval.tsv:4: label 'meh'" "$WORK/err" \
    "the count and the first bad line are printed"
expect_grep "^examples: 6$" "$WORK/out" "the other lines are evaluated"
expect_exit 1 "evaluating with --bad-lines stop" \
    $RUN "$CLASSIFY" -m "$model" --evaluate --bad-lines stop "$WORK/eval.tsv"
expect_exit 2 "--bad-lines with another word" \
    $RUN "$CLASSIFY" -m "$model" --evaluate --bad-lines maybe "$WORK/eval.tsv"

finish
