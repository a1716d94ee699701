#!/usr/bin/env bash
# bench/linear.sh - is classifying one line linear in its length?
#
# Usage: bench/linear.sh [-r RUNS] [-b BUILDDIR] [-s "SIZES"]
# Classifies a single line of 1, 10 and 100 MB (or -s, in MB) of each of:
# one emoji repeated (U+1F600), one letter repeated ("a"), and punctuation
# without any word ("!?" repeated), each RUNS times (default 3), and prints
# the median seconds and seconds per MB.  Linear time shows as the same
# seconds per MB at every size.  Needs no corpus: the model is trained on
# tests/data/tiny.tsv.
set -eu

prog=linear.sh
root=$(cd "$(dirname "$0")/.." && pwd)
builddir=$root
runs=3
sizes="1 10 100"

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

while getopts "r:b:s:h" opt; do
    case $opt in
        r) runs=$OPTARG ;;
        b) builddir=$OPTARG ;;
        s) sizes=$OPTARG ;;
        h) usage; exit 0 ;;
        *) usage >&2; exit 2 ;;
    esac
done

train=$builddir/sentiment-train
classify=$builddir/sentiment-classify
[ -x "$train" ] && [ -x "$classify" ] || {
    echo "$prog: no sentiment-train or sentiment-classify in $builddir; run make" >&2
    exit 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/linear.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$train" -q --buckets 65536 --epochs 5 --validation 0 -o "$work/model" \
    "$root/tests/data/tiny.tsv"

# line KIND MB: writes one line of about MB megabytes (2^20 bytes) of KIND.
line() {
    local unit
    case $1 in
        emoji) unit=$'\xF0\x9F\x98\x80' ;;
        letter) unit=a ;;
        punctuation) unit='!?' ;;
    esac
    # Doubling a unit of 1 KiB is faster than repeating it byte by byte.
    printf '%s' "$unit" >"$work/unit"
    while [ "$(wc -c <"$work/unit")" -lt 1024 ]; do
        cat "$work/unit" "$work/unit" >"$work/unit2" && mv "$work/unit2" "$work/unit"
    done
    head -c 1024 "$work/unit" >"$work/kib"   # 1024 is a multiple of 1, 2 and 4
    for _ in $(seq 1024); do cat "$work/kib"; done >"$work/mib"
    for _ in $(seq "$2"); do cat "$work/mib"; done >"$work/line"
    echo >>"$work/line"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "libsentiment $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), one line per run, median of $runs runs, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC"
printf '%-12s %6s %10s %10s %s\n' kind MB seconds s/MB output
# seconds: the median time of RUNS classifications of $work/line.
seconds() {
    for _ in $(seq "$runs"); do
        start=$(date +%s.%N)
        "$classify" -m "$work/model" --threads 1 "$work/line" >"$work/out"
        end=$(date +%s.%N)
        awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
    done | median
}

# An empty line: what starting the program and loading the model cost.
echo >"$work/line"
printf '%-12s %6d %10.3f %10s %s\n' "empty line" 0 "$(seconds)" - "$(tr '\t' ' ' <"$work/out")"
for kind in emoji letter punctuation; do
    for mb in $sizes; do
        line "$kind" "$mb"
        s=$(seconds)
        printf '%-12s %6d %10.3f %10.4f %s\n' "$kind" "$mb" "$s" \
            "$(awk -v s="$s" -v mb="$mb" 'BEGIN { print s / mb }')" "$(tr '\t' ' ' <"$work/out")"
    done
done
