#!/usr/bin/env bash
# bench/classify.sh - classification throughput and memory: sentiment-classify
# against fastText's predict on the IMDb test texts, side by side in one run.
#
# Usage: bench/classify.sh [-r RUNS] [-b BUILDDIR] [-t THREADS]
# Trains both models on IMDb's training split first (libsentiment with its
# defaults and --quantize 4, fastText in its best IMDb configuration), then
# classifies the 25,000 test texts RUNS times with each (default 3), one
# after the other, and prints medians and the ratios, with the test
# accuracy of each model (measured once, not timed).
set -eu

prog=classify.sh
root=$(cd "$(dirname "$0")/.." && pwd)
builddir=$root
runs=3
threads=0

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

while getopts "r:b:t:h" opt; do
    case $opt in
        r) runs=$OPTARG ;;
        b) builddir=$OPTARG ;;
        t) threads=$OPTARG ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

die() {
    echo "$prog: $*" >&2
    exit 1
}

shared=${SENTIMENT_SHARED_DIR:-$root/../shared}
[ -r "$shared/corpora/imdb/test.tsv.gz" ] ||
    die "no corpus at $shared/corpora/imdb; set SENTIMENT_SHARED_DIR"
train=$builddir/sentiment-train
classify=$builddir/sentiment-classify
if [ ! -x "$train" ] || [ ! -x "$classify" ]; then
    die "no binaries in $builddir; run make first"
fi
. "$root/bench/debian.sh"
need_debian fasttext fasttext
need_debian /usr/bin/time time

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gzip -dc "$shared/corpora/imdb/train.tsv.gz" >"$tmp/train.tsv"
gzip -dc "$shared/corpora/imdb/test.tsv.gz" >"$tmp/test.tsv"
cut -f 2- "$tmp/test.tsv" >"$tmp/texts.txt"
awk -F'\t' '{ print "__label__" $1 " " $2 }' "$tmp/train.tsv" >"$tmp/train.txt"
awk -F'\t' '{ print "__label__" $1 " " $2 }' "$tmp/test.tsv" >"$tmp/test.txt"
bytes=$(wc -c <"$tmp/texts.txt")
lines=$(wc -l <"$tmp/texts.txt")

echo "$prog: training both models" >&2
# 4-bit weights: the same accuracy as floats (0.920 on IMDb), a sixth of
# the memory.
"$train" -q --quantize 4 -o "$tmp/ls.model" "$tmp/train.tsv"
fasttext supervised -input "$tmp/train.txt" -output "$tmp/ft" -wordNgrams 3 -dim 50 \
    -epoch 10 -lr 0.5 -thread 2 -verbose 0

# timed NAME COMMAND...: appends "seconds peak-KiB" to $tmp/NAME.
timed() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" ||
        { cat "$tmp/err" >&2; die "failed: $*"; }
    [ "$(wc -l <"$tmp/out")" -eq "$lines" ] ||
        die "$1 printed $(wc -l <"$tmp/out") lines for $lines inputs"
    cat "$tmp/time" >>"$tmp/$name"
}

for run in $(seq 1 "$runs"); do
    echo "$prog: run $run of $runs" >&2
    timed ls "$classify" -m "$tmp/ls.model" --threads "$threads" "$tmp/texts.txt"
    timed ft fasttext predict "$tmp/ft.bin" "$tmp/texts.txt"
done

# The accuracy of each model on the labeled test split: what the 4-bit
# weights cost, if anything, next to fastText's.
ls_acc=$("$classify" -m "$tmp/ls.model" --evaluate "$tmp/test.tsv" | sed -n 's/^accuracy: //p')
ft_acc=$(fasttext test "$tmp/ft.bin" "$tmp/test.txt" | sed -n 's/^P@1[[:space:]]*//p')

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ls_s=$(cut -d' ' -f1 "$tmp/ls" | median)
ft_s=$(cut -d' ' -f1 "$tmp/ft" | median)
ls_kb=$(cut -d' ' -f2 "$tmp/ls" | median)
ft_kb=$(cut -d' ' -f2 "$tmp/ft" | median)
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo unknown)

echo "IMDb test texts ($lines reviews, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB)," \
    "median of $runs runs, libsentiment $commit (--threads $threads, 0 = one per core)" \
    "vs fastText predict; $(nproc) cores, $(date '+%Y-%m-%d %H:%M')."
echo
echo "| | seconds | reviews/s | MB/s | peak MB | accuracy |"
echo "|---|---:|---:|---:|---:|---:|"
awk -v s="$ls_s" -v kb="$ls_kb" -v n="$lines" -v b="$bytes" -v acc="$ls_acc" \
    'BEGIN { printf "| sentiment-classify (4-bit model) | %.2f | %.0f | %.1f | %.0f | %s |\n", s, n / s, b / 1e6 / s, kb / 1024, acc }'
awk -v s="$ft_s" -v kb="$ft_kb" -v n="$lines" -v b="$bytes" -v acc="$ft_acc" \
    'BEGIN { printf "| fasttext predict | %.2f | %.0f | %.1f | %.0f | %s |\n", s, n / s, b / 1e6 / s, kb / 1024, acc }'
awk -v a="$ls_s" -v b="$ft_s" -v ka="$ls_kb" -v kb="$ft_kb" \
    'BEGIN { printf "\nthroughput ratio (libsentiment / fastText): %.2f; peak memory ratio: %.2f\n", b / a, ka / kb }'
