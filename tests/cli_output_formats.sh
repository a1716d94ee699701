#!/bin/sh
# sentiment-classify's output: --all, --explain, --format json, and the
# report of --evaluate with log loss and calibration error.
. "${top_srcdir:-.}/tests/lib.sh"

model="$WORK/tiny.model"
"$TRAIN" --epochs 40 --buckets 4096 --hidden 8 --validation 0 --quiet -o "$model" \
    "$DATA/tiny.tsv" || fail "training"
cut -f2 "$DATA/tiny.tsv" >"$WORK/texts"
printf 'great\n\n\r\nawful\n\0\001\377\376 junk "quoted" back\\slash\n' >"$WORK/odd"
"$CLASSIFY" -m "$model" "$WORK/texts" >"$WORK/plain"

# --all: the probability of every label, in the model's order.
expect_exit 0 "--all" $RUN "$CLASSIFY" -m "$model" --all "$WORK/texts"
cut -f1,2 "$WORK/out" | cmp -s - "$WORK/plain" && pass "--all keeps LABEL and PROBABILITY first" ||
    fail "--all changed the first two columns"
bad=$(grep -cvE '^(neg|pos)	[01]\.[0-9]{4}	neg:[01]\.[0-9]{4}	pos:[01]\.[0-9]{4}$' "$WORK/out")
[ "$bad" -eq 0 ] && pass "--all adds neg:P and pos:P columns" || fail "--all: $bad malformed lines"
bad=$(awk -F'\t' '{ split($3, a, ":"); split($4, b, ":"); s = a[2] + b[2];
    if (s < 0.9998 || s > 1.0002) print }' "$WORK/out" | wc -l)
[ "$bad" -eq 0 ] && pass "--all probabilities add up to 1" || fail "--all: $bad lines do not add up"
bad=$(awk -F'\t' '{ split($3, a, ":"); split($4, b, ":");
    top = $1 == "neg" ? a[2] : b[2]; if (top != $2) print }' "$WORK/out" | wc -l)
[ "$bad" -eq 0 ] && pass "--all agrees with the label's probability" || fail "--all: $bad disagree"

# --explain: n-grams you would expect.
printf 'a wonderful film\nthe room was awful\n' >"$WORK/two"
expect_exit 0 "--explain 3" $RUN "$CLASSIFY" -m "$model" --explain 3 "$WORK/two"
# The word or its stem ("wonde- [stem]") comes first.
expect_grep '^pos	[01]\.[0-9]*	wonde\(rful\|- \[stem\]\):+[0-9.]*' "$WORK/out" \
    "a positive review is explained by 'wonderful' or its stem, towards pos"
expect_grep '^pos	.*[	 ]wonde- \[stem\]:+[0-9.]*' "$WORK/out" "stems are explained as such"
expect_grep '^neg	[01]\.[0-9]*	.*awful:+[0-9.]*' "$WORK/out" "a negative review is explained by 'awful', towards neg"
printf 'great but awful\n' >"$WORK/mixed"
$RUN "$CLASSIFY" -m "$model" -x 10 "$WORK/mixed" >"$WORK/out" 2>"$WORK/err"
expect_grep 'great:+' "$WORK/out" "'great' pushes towards pos"
expect_grep 'awful:-' "$WORK/out" "'awful' pushes away from pos"
expect_exit 0 "--explain on odd lines" $RUN "$CLASSIFY" -m "$model" -x 2 -a "$WORK/odd"
[ "$(wc -l <"$WORK/out")" -eq 5 ] && pass "--explain keeps one line per input line" ||
    fail "--explain: $(wc -l <"$WORK/out") lines, expected 5"
bad=$(awk -F'\t' 'NF != 5' "$WORK/out" | wc -l)
[ "$bad" -eq 0 ] && pass "--explain always adds one column, empty for an empty text" ||
    fail "--explain: $bad lines with another column count"
expect_exit 2 "--explain 0" $RUN "$CLASSIFY" -m "$model" --explain 0 "$WORK/texts"
expect_exit 2 "--explain with no number" $RUN "$CLASSIFY" -m "$model" --explain many "$WORK/texts"

# --format json: one object per line, valid whatever the input bytes.
expect_exit 0 "--format json" $RUN "$CLASSIFY" -m "$model" --format json -x 2 "$WORK/texts"
[ "$(wc -l <"$WORK/out")" -eq 40 ] && pass "json: one line per input line" ||
    fail "json: $(wc -l <"$WORK/out") lines"
expect_grep '^{"label":"pos","probability":[01]\.[0-9]*,"probabilities":{"neg":[01]\.[0-9]*,"pos":[01]\.[0-9]*},"explanation":\[{"ngram":"[^"]*","weight":-*[0-9.]*}' \
    "$WORK/out" "json has label, probability, probabilities and explanation"
cp "$WORK/out" "$WORK/json"
$RUN "$CLASSIFY" -m "$model" --format json -x 3 -f 1 "$WORK/odd" >"$WORK/oddjson" 2>"$WORK/err"
[ "$(wc -l <"$WORK/oddjson")" -eq 5 ] && pass "json: binary and blank lines still get a line" ||
    fail "json: $(wc -l <"$WORK/oddjson") lines for 5"
$RUN "$CLASSIFY" -m "$model" --format json -d "$WORK/odd" "$WORK/texts" >"$WORK/docjson" 2>"$WORK/err"
expect_grep '^{"file":"[^"]*/odd","label"' "$WORK/docjson" "json names the file in --documents mode"
if command -v python3 >/dev/null 2>&1; then
    check='
import json, sys
labels = None
for path in sys.argv[1:]:
    for n, raw in enumerate(open(path, "rb"), 1):
        o = json.loads(raw.decode("utf-8"))   # strict: the bytes must be UTF-8
        assert o["label"] in o["probabilities"], (path, n)
        assert abs(sum(o["probabilities"].values()) - 1) < 1e-3, (path, n)
        assert o["probability"] == o["probabilities"][o["label"]], (path, n)
        for e in o.get("explanation", []):
            assert isinstance(e["ngram"], str) and isinstance(e["weight"], float)
'
    python3 -c "$check" "$WORK/json" "$WORK/oddjson" "$WORK/docjson" 2>"$WORK/err" &&
        pass "every json line parses (python3 json.loads), also from invalid UTF-8" ||
        { fail "json does not parse:"; sed 's/^/    /' "$WORK/err"; }
    python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
f = lines[4]["fields"]
assert f == ["\x00\x01\ufffd\ufffd junk \"quoted\" back\\slash"], f
assert lines[1]["fields"] == [""], lines[1]
' "$WORK/oddjson" 2>"$WORK/err" && pass "json escapes quotes, backslashes, control bytes; invalid bytes become U+FFFD" ||
        { fail "json escaping:"; sed 's/^/    /' "$WORK/err"; }
    # Each byte of a sequence that is not UTF-8 (overlong, a surrogate,
    # above U+10FFFF, cut short) is one U+FFFD; valid characters stay,
    # noncharacters and 4-byte ones included.
    printf 'a\300\257b\340\200\257c\355\240\200d\364\220\200\200e\357\277\276\360\237\230\200f\342\202\n' >"$WORK/utf8.txt"
    $RUN "$CLASSIFY" -m "$model" --format json -f 1 "$WORK/utf8.txt" >"$WORK/utf8json" 2>"$WORK/err"
    python3 -c '
import json, sys
f = json.loads(open(sys.argv[1], encoding="utf-8").read())["fields"][0]
want = "a" + "\ufffd" * 2 + "b" + "\ufffd" * 3 + "c" + "\ufffd" * 3 + "d" + "\ufffd" * 4 + "e\ufffe\U0001F600f" + "\ufffd" * 2
assert f == want, ascii(f)
' "$WORK/utf8json" 2>"$WORK/err" && pass "json: every byte of a sequence that is not UTF-8 is one U+FFFD, valid ones stay" ||
        { fail "json of sequences that are not UTF-8:"; sed 's/^/    /' "$WORK/err"; }
else
    skip "json parsed back: python3 not found"
fi
expect_exit 0 "--format tsv is the default" $RUN "$CLASSIFY" -m "$model" --format tsv "$WORK/texts"
cmp -s "$WORK/out" "$WORK/plain" && pass "--format tsv is the plain output" || fail "--format tsv differs"
expect_exit 2 "an unknown format" $RUN "$CLASSIFY" -m "$model" --format xml "$WORK/texts"

# --evaluate: the report with the probability-based measures.
expect_exit 0 "evaluating" $RUN "$CLASSIFY" -m "$model" --evaluate "$DATA/tiny.tsv"
expect_grep '^macro-f1: [01]\.[0-9]\{4\}$' "$WORK/out" "the report has macro-F1"
expect_grep '^log-loss: [0-9]*\.[0-9]\{4\}$' "$WORK/out" "the report has the log loss"
expect_grep '^calibration-error: [01]\.[0-9]\{4\} ' "$WORK/out" "the report has the calibration error"
loss=$(sed -n 's/^log-loss: //p' "$WORK/out")
"$CLASSIFY" -m "$model" --all "$WORK/texts" >"$WORK/all"
expected=$(awk -F'\t' 'NR == FNR { truth[FNR] = $1; next }
    { split($3, a, ":"); split($4, b, ":"); p = truth[FNR] == "neg" ? a[2] : b[2];
      s -= log(p) } END { printf "%.3f", s / FNR }' "$DATA/tiny.tsv" "$WORK/all")
[ "$(printf '%.3f' "$loss")" = "$expected" ] && pass "log loss agrees with the probabilities printed ($loss)" ||
    fail "log loss $loss, from the printed probabilities $expected"
expect_exit 2 "--evaluate with --format json" $RUN "$CLASSIFY" -m "$model" --evaluate --format json "$DATA/tiny.tsv"
expect_exit 2 "--evaluate with --explain" $RUN "$CLASSIFY" -m "$model" --evaluate -x 3 "$DATA/tiny.tsv"

finish
