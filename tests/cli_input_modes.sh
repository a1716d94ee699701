#!/bin/sh
# sentiment-classify's input modes: --field takes the text from a column of
# a table and copies the line through; --documents classifies whole files
# and folders of them.  Every mode keeps one output line per review, in
# order, whatever the number of threads.
. "${top_srcdir:-.}/tests/lib.sh"

model="$WORK/tiny.model"
"$TRAIN" --epochs 40 --buckets 4096 --hidden 8 --validation 0 --quiet -o "$model" \
    "$DATA/tiny.tsv" || fail "training"

# --field: an id column, the label, then the text (column 3).
awk -F'\t' '{ print "id" NR "\t" $1 "\t" $2 }' "$DATA/tiny.tsv" >"$WORK/table.tsv"
expect_exit 0 "classifying column 3 of a table" $RUN "$CLASSIFY" -m "$model" --field 3 "$WORK/table.tsv"
[ "$(wc -l <"$WORK/out")" -eq 40 ] && pass "--field: one output line per input line" ||
    fail "--field: $(wc -l <"$WORK/out") lines, expected 40"
cut -f1-3 "$WORK/out" >"$WORK/copied"
cmp -s "$WORK/copied" "$WORK/table.tsv" && pass "--field copies every input column through" ||
    fail "--field changed the input columns"
bad=$(awk -F'\t' 'NF != 5 || $5 !~ /^[01]\.[0-9][0-9][0-9][0-9]$/' "$WORK/out" | wc -l)
[ "$bad" -eq 0 ] && pass "--field: input columns, then LABEL and PROBABILITY" ||
    fail "--field: $bad malformed lines"
right=$(awk -F'\t' '$2 == $4' "$WORK/out" | wc -l)
[ "$right" -ge 38 ] && pass "--field classifies the text column ($right of 40 right)" ||
    fail "--field: only $right of 40 right; the wrong column was read?"
cut -f2 "$DATA/tiny.tsv" | "$CLASSIFY" -m "$model" >"$WORK/plain"
cut -f4- "$WORK/out" | cmp -s - "$WORK/plain" && pass "--field gives the results of the text alone" ||
    fail "--field results differ from classifying the texts alone"

# A line without the column is a bad line, not an empty text; an empty
# column is a text like any other.
printf 'id1\tgreat\nid2\t\nonly one column\n\nid5\tawful\n' >"$WORK/short.tsv"
expect_exit 1 "a line without the --field column" \
    $RUN "$CLASSIFY" -m "$model" --field 2 "$WORK/short.tsv"
expect_grep "short.tsv:3: no column 2 (the line has 1 tab-separated column)" "$WORK/err" \
    "the message names the file, the line and the missing column"
[ "$(cut -f1 "$WORK/out" | tr '\n' ' ')" = "id1 id2 " ] &&
    pass "the lines before the bad one are printed, an empty column among them" ||
    fail "before the bad line: $(cut -f1 "$WORK/out" | tr '\n' ' ')"
expect_exit 0 "--bad-lines skip with --field" \
    $RUN "$CLASSIFY" -m "$model" --field 2 --bad-lines skip "$WORK/short.tsv"
[ "$(cut -f1 "$WORK/out" | tr '\n' ' ')" = "id1 id2 id5 " ] &&
    pass "--bad-lines skip leaves out the short and the empty line" ||
    fail "with skip: $(cut -f1 "$WORK/out" | tr '\n' ' ')"
expect_grep "skipped 2 bad lines, the first at .*short.tsv:3: no column 2" "$WORK/err" \
    "--bad-lines skip counts them and names the first"

expect_exit 2 "column 0" $RUN "$CLASSIFY" -m "$model" --field 0 "$WORK/table.tsv"
expect_exit 2 "a column that is no number" $RUN "$CLASSIFY" -m "$model" --field two "$WORK/table.tsv"
expect_exit 2 "--field with --documents" $RUN "$CLASSIFY" -m "$model" --field 2 --documents "$WORK/table.tsv"

# --documents: a folder of one review per file, as IMDb ships them.
mkdir "$WORK/reviews" "$WORK/reviews/sub"
i=0
while IFS='	' read -r label text; do
    i=$((i + 1))
    printf '%s\n' "$text" >"$WORK/reviews/$(printf '%02d' $i)_$label.txt"
done <"$DATA/tiny.tsv"
printf 'Wonderful.\nI loved it,\nsuperb acting.\n' >"$WORK/reviews/41_pos.txt"
gzip "$WORK/reviews/41_pos.txt"
echo "hidden" >"$WORK/reviews/.hidden"
echo "not read" >"$WORK/reviews/sub/x.txt"
expect_exit 0 "classifying a folder of documents" $RUN "$CLASSIFY" -m "$model" --documents "$WORK/reviews"
[ "$(wc -l <"$WORK/out")" -eq 41 ] && pass "a line per file, hidden files and subfolders left out" ||
    fail "expected 41 lines, got $(wc -l <"$WORK/out")"
[ "$(head -n 1 "$WORK/out" | cut -f1)" = "$WORK/reviews/01_pos.txt" ] &&
    [ "$(tail -n 1 "$WORK/out" | cut -f1)" = "$WORK/reviews/41_pos.txt.gz" ] &&
    pass "each line starts with its file name, in name order" ||
    fail "file names: $(head -n 1 "$WORK/out" | cut -f1) ... $(tail -n 1 "$WORK/out" | cut -f1)"
right=$(awk -F'\t' '{ n = split($1, p, "_"); sub(/\.txt.*/, "", p[n]); if (p[n] == $2) print }' \
    "$WORK/out" | wc -l)
[ "$right" -ge 39 ] && pass "documents classified ($right of 41 right)" || fail "only $right of 41 right"
expect_grep "41_pos.txt.gz	pos	" "$WORK/out" "a gzip document of several lines is one review"

expect_exit 0 "documents named one by one" $RUN "$CLASSIFY" -m "$model" -d \
    "$WORK/reviews/02_neg.txt" "$WORK/reviews/01_pos.txt"
[ "$(cut -f1 "$WORK/out" | tr '\n' ' ')" = "$WORK/reviews/02_neg.txt $WORK/reviews/01_pos.txt " ] &&
    pass "files given as arguments keep their order" || fail "order: $(cut -f1 "$WORK/out")"
printf 'Terrible.\nAwful.' | $RUN "$CLASSIFY" -m "$model" --documents >"$WORK/out" 2>"$WORK/err"
[ "$(cut -f1,2 "$WORK/out")" = "-	neg" ] && pass "standard input is one document named -" ||
    fail "stdin document: $(cat "$WORK/out")"
expect_exit 1 "a missing document" $RUN "$CLASSIFY" -m "$model" -d "$WORK/reviews/none.txt"
expect_grep "none.txt" "$WORK/err" "the message names the missing document"

# Threads change nothing, in any mode.
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$WORK/table.tsv"; done >"$WORK/big.tsv"
$RUN "$CLASSIFY" -m "$model" -t 1 -f 3 -a -x 3 "$WORK/big.tsv" >"$WORK/one" 2>"$WORK/err"
$RUN "$CLASSIFY" -m "$model" -t 3 -f 3 -a -x 3 "$WORK/big.tsv" >"$WORK/three" 2>"$WORK/err"
[ "$(wc -l <"$WORK/three")" -eq 400 ] && cmp -s "$WORK/one" "$WORK/three" &&
    pass "--field with 1 or 3 threads: the same 400 lines" || fail "threads changed --field output"
$RUN "$CLASSIFY" -m "$model" -t 1 -d --format json "$WORK/reviews" >"$WORK/one" 2>"$WORK/err"
$RUN "$CLASSIFY" -m "$model" -t 4 -d --format json "$WORK/reviews" >"$WORK/four" 2>"$WORK/err"
[ "$(wc -l <"$WORK/four")" -eq 41 ] && cmp -s "$WORK/one" "$WORK/four" &&
    pass "--documents with 1 or 4 threads: the same 41 lines" || fail "threads changed --documents output"

finish
