#!/bin/sh
# sentiment-classify as a stream: a line gets its answer as soon as no more
# input is waiting, however few lines came (a coprocess, tail -f, a person
# typing), and an input that breaks partway still gets an answer for every
# line read before the break.
. "${top_srcdir:-.}/tests/lib.sh"

model="$WORK/tiny.model"
"$TRAIN" --epochs 40 --buckets 4096 --hidden 8 --validation 0 --quiet -o "$model" \
    "$DATA/tiny.tsv" || fail "training"

# ---- one line in, one answer out, with the input still open ---------------

# The classifier reads the FIFO in$n and writes the FIFO out$n; this shell
# holds in$n open for writing, so that the classifier does not see the end
# of its input, and reads the answers from out$n with a timeout.
n=0
start_classifier() {
    n=$((n + 1))
    mkfifo "$WORK/in$n" "$WORK/out$n" || skip_all "mkfifo failed"
    timeout 120 $RUN "$CLASSIFY" -m "$model" "$@" <"$WORK/in$n" >"$WORK/out$n" \
        2>"$WORK/err$n" &
    pid=$!
    exec 3>"$WORK/in$n" 4<"$WORK/out$n"
}

# answer LINE DESCRIPTION: the classifier's next line, within 10 s, is LINE
# followed by a probability.
answer() {
    if timeout 10 head -n 1 <&4 >"$WORK/answer" && [ -s "$WORK/answer" ]; then
        expect_grep "^$1	[01]\.[0-9]*\$" "$WORK/answer" "$2"
    else
        fail "$2: no answer within 10 s while the input stays open"
    fi
}

# stop_classifier DESCRIPTION: ends the input, reads what is left of the
# output and checks the exit status.
stop_classifier() {
    exec 3>&-
    cat <&4 >/dev/null
    wait "$pid"
    status=$?
    exec 4<&-
    [ "$status" -eq 0 ] && pass "$1: exit 0 at the end of input" ||
        fail "$1: exit $status at the end of input; stderr: $(cat "$WORK/err$n")"
}

start_classifier
printf 'Wonderful, I loved it, superb acting.\n' >&3
answer pos "a single line is answered while the input stays open"
printf 'Terrible, awful, a waste of time.\n' >&3
answer neg "a second line gets its answer too"
stop_classifier "plain input from a pipe"

# Gzip input on a pipe: each complete gzip member is answered in turn.
start_classifier
printf 'Wonderful, I loved it, superb acting.\n' | gzip -c >&3
answer pos "a gzip-compressed line is answered while the input stays open"
printf 'Terrible, awful, a waste of time.\n' | gzip -c >&3
answer neg "a second gzip member on the same input is answered too"
stop_classifier "gzip input from a pipe"

# With --field, the line comes back with its result.
start_classifier --field 2 -t 2
printf 'id1\tTerrible, awful, a waste of time.\n' >&3
answer "id1	Terrible, awful, a waste of time.	neg" "--field: a line is answered at once"
stop_classifier "--field input from a pipe"

# ---- an input cut short ------------------------------------------------------

# cut_gzip LINES NAME: NAME.gz holds LINES generated reviews, cut in its
# middle; $readable is how many whole lines can still be read from it.
cut_gzip() {
    awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++)
        print "review " i ": " (i % 2 ? "wonderful, superb acting" : "terrible, a waste") }' |
        gzip -c >"$WORK/whole.gz"
    size=$(wc -c <"$WORK/whole.gz")
    head -c $((size / 2)) "$WORK/whole.gz" >"$WORK/$2.gz"
    readable=$(gzip -dc "$WORK/$2.gz" 2>/dev/null | wc -l)
}

# expect_lines_before_the_cut NAME DESCRIPTION: checks the output of a
# classifier that read $WORK/NAME.gz.
expect_lines_before_the_cut() {
    [ "$readable" -gt 0 ] && [ "$(wc -l <"$WORK/out")" -eq "$readable" ] &&
        pass "$2: all $readable lines read before the cut are printed" ||
        fail "$2: $(wc -l <"$WORK/out") lines printed, $readable could be read"
    expect_grep "$1:$((readable + 1)): " "$WORK/err" "$2: the error names the file and the line"
}

for lines in 534 9881; do
    cut_gzip $lines "cut$lines"
    expect_exit 1 "a gzip file of $lines lines cut short" \
        $RUN "$CLASSIFY" -m "$model" "$WORK/cut$lines.gz"
    expect_lines_before_the_cut "cut$lines.gz" "$lines lines, cut"
done

# The same through standard input, and with several threads and --field.
expect_exit 1 "a cut gzip stream on standard input" \
    sh -c '"$@" <"$0"' "$WORK/cut9881.gz" $RUN "$CLASSIFY" -m "$model" -t 3
expect_lines_before_the_cut "-" "standard input, cut"
cut_gzip 3000 "cutf"
expect_exit 1 "a cut gzip table with --field" \
    $RUN "$CLASSIFY" -m "$model" --field 1 "$WORK/cutf.gz"
expect_lines_before_the_cut "cutf.gz" "--field, cut"

# Earlier files keep their output, and with --documents earlier documents.
cut_gzip 534 "cut534"
expect_exit 1 "a cut file after a good one" \
    $RUN "$CLASSIFY" -m "$model" "$DATA/tiny.tsv" "$WORK/cut534.gz"
[ "$(wc -l <"$WORK/out")" -eq $((40 + readable)) ] &&
    pass "the good file and the lines before the cut are printed" ||
    fail "$(wc -l <"$WORK/out") lines printed, expected $((40 + readable))"
expect_exit 1 "a cut document after good ones" \
    $RUN "$CLASSIFY" -m "$model" -d "$DATA/tiny.tsv" "$DATA/tiny.tsv" "$WORK/cut534.gz"
[ "$(wc -l <"$WORK/out")" -eq 2 ] && pass "--documents: the documents before the cut one are printed" ||
    fail "--documents: $(wc -l <"$WORK/out") lines printed, expected 2"
expect_grep "cut534.gz" "$WORK/err" "--documents: the error names the cut document"

finish
