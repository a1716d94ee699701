#!/bin/bash
# bench/accuracy.sh - libsentiment against fastText on every benchmark corpus.
#
# For each corpus, trains libsentiment (default options) and fastText (its
# best IMDb configuration, the same on every corpus), tests both on the
# corpus's test split, and prints one markdown table: test accuracy, training
# wall time, the ratio of the two times, model size and peak memory.
#
# The machine this runs on is shared and noisy, so the only figures worth
# reading are ratios and medians from one run, side by side: with -r N every
# training is repeated N times, libsentiment and fastText taking turns, and
# each cell is the median of the N runs.  Nothing runs in parallel.
#
# Both programs read the same uncompressed copy of each split from a
# temporary folder, so neither pays for gzip in its timing.  imdb-ratings is
# benchmarked as its 10-class task: the label is the star rating.
set -eu

prog=accuracy.sh
all_corpora="imdb imdb-ratings sst2 sst5 mr cr amazon-mds chnsenticorp-htl wisesight-th"
fasttext_options="-wordNgrams 3 -dim 50 -epoch 10 -lr 0.5 -thread 2"

usage() {
    cat <<EOF
Usage: bench/accuracy.sh [-c "CORPUS..."] [-r N] [-b BUILDDIR] [-x "OPTIONS"]
Train and test libsentiment and fastText on each corpus, one after the other,
and print one markdown table.

  -c "CORPUS..."  corpora to run (default: $all_corpora)
  -r N            train each model N times and report medians (default 1)
  -b BUILDDIR     folder holding sentiment-train and sentiment-classify
                  (default: the project root)
  -x "OPTIONS"    extra options for sentiment-train, split at spaces
  -h              show this help

Corpora are read from \$SENTIMENT_SHARED_DIR/corpora (default: ../shared/corpora
next to the project root).  Progress goes to standard error, the table to
standard output.
EOF
}

die() {
    echo "$prog: $*" >&2
    exit 1
}

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=$root
corpora=$all_corpora
repeats=1
extra=""
while getopts c:r:b:x:h opt; do
    case $opt in
    c) corpora=$OPTARG ;;
    r) repeats=$OPTARG ;;
    b) builddir=$OPTARG ;;
    x) extra=$OPTARG ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -ne 0 ]; then
    usage >&2
    exit 2
fi
case $repeats in
'' | *[!0-9]* | 0) die "-r takes a positive whole number, not '$repeats'" ;;
esac
read -r -a extra_args <<<"$extra"

builddir=$(cd "$builddir" 2>/dev/null && pwd) || die "no folder $builddir"
train=$builddir/sentiment-train
classify=$builddir/sentiment-classify
for exe in "$train" "$classify"; do
    [ -x "$exe" ] || die "no $exe; run make first, or give the build folder with -b"
done
. "$root/bench/debian.sh"
need_debian fasttext fasttext
need_debian /usr/bin/time time

shared=${SENTIMENT_SHARED_DIR:-$root/../shared}
[ -d "$shared/corpora" ] ||
    die "no corpora at $shared/corpora; set SENTIMENT_SHARED_DIR to the folder holding corpora/"
shared=$(cd "$shared" && pwd)
for c in $corpora; do
    for split in train test; do
        [ -f "$shared/corpora/$c/$split.tsv.gz" ] ||
            die "no $shared/corpora/$c/$split.tsv.gz (corpora: $all_corpora)"
    done
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sentiment-accuracy.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Write the split of corpus $1 as LABEL<TAB>TEXT to $3 and as fastText's
# __label__LABEL TEXT to $4.
convert() {
    local corpus=$1 split=$2 tsv=$3 ft=$4
    if [ "$corpus" = imdb-ratings ]; then
        gzip -dc "$shared/corpora/$corpus/$split.tsv.gz" |
            awk -F'\t' '{ print $2 "\t" $3 }' >"$tsv"
    else
        gzip -dc "$shared/corpora/$corpus/$split.tsv.gz" >"$tsv"
    fi
    awk -F'\t' '{ print "__label__" $1 " " $2 }' "$tsv" >"$ft"
}

# Run a command under /usr/bin/time; append its wall seconds to $1.time and
# its peak resident memory in MiB to $1.peak.  Output goes to $1.log, shown
# if the command fails.
timed() {
    local out=$1
    shift
    if ! /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$out.log" 2>&1; then
        cat "$out.log" >&2
        die "failed: $*"
    fi
    awk -v t="$out.time" -v p="$out.peak" \
        'END { print $1 >> t; printf "%.1f\n", $2 / 1024 >> p }' "$tmp/time"
}

# Append the size of file $2 in MiB to $1.
size_mib() {
    stat -c %s "$2" | awk '{ printf "%.1f\n", $1 / 1048576 }' >>"$1"
}

# The median of the numbers in file $1, one per line.
median() {
    sort -g "$1" | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

version=$("$train" --version | awk 'NR == 1 { print $NF }')
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "unknown commit")
fasttext_version=$(dpkg-query -W -f '${Version}' fasttext 2>/dev/null || echo "unknown version")

rows=""
for c in $corpora; do
    echo "$prog: $c: preparing" >&2
    d=$tmp/$c
    mkdir -p "$d"
    convert "$c" train "$d/train.tsv" "$d/train.txt"
    convert "$c" test "$d/test.tsv" "$d/test.txt"
    labels=$(cut -f 1 "$d/train.tsv" | sort -u | wc -l)
    # A corpus that comes with a dev split picks its best epoch on it, as
    # its authors intended, instead of on a share of the training split.
    valid=()
    if [ -r "$shared/corpora/$c/dev.tsv.gz" ]; then
        convert "$c" dev "$d/dev.tsv" "$d/dev.txt"
        valid=(--valid "$d/dev.tsv")
    fi

    for run in $(seq 1 "$repeats"); do
        echo "$prog: $c: libsentiment, run $run of $repeats" >&2
        rm -f "$d/ls.model"
        timed "$d/ls" "$train" -q ${extra_args[@]+"${extra_args[@]}"} ${valid[@]+"${valid[@]}"} \
            -o "$d/ls.model" "$d/train.tsv"
        "$classify" -m "$d/ls.model" --evaluate "$d/test.tsv" >"$d/ls.eval"
        sed -n 's/^accuracy: *//p' "$d/ls.eval" >>"$d/ls.acc"
        size_mib "$d/ls.size" "$d/ls.model"

        echo "$prog: $c: fastText, run $run of $repeats" >&2
        rm -f "$d/ft.bin" "$d/ft.vec"
        # shellcheck disable=SC2086  # the options are meant to be split
        timed "$d/ft" fasttext supervised -input "$d/train.txt" -output "$d/ft" $fasttext_options
        # fastText test prints P@1 (= accuracy) with 3 decimals; predict,
        # one label per test line, gives the 4 that libsentiment shows.
        fasttext test "$d/ft.bin" "$d/test.txt" >"$d/ft.eval"
        fasttext predict "$d/ft.bin" "$d/test.txt" >"$d/ft.pred"
        cut -f 1 "$d/test.tsv" | paste "$d/ft.pred" - | awk -F'\t' -v p1="$(awk '$1 == "P@1" { print $2 }' "$d/ft.eval")" '
            { n++; if ($1 == "__label__" $2) right++ }
            END {
                if (n == 0 || p1 == "" || right / n - p1 > 0.0006 || p1 - right / n > 0.0006) exit 1
                printf "%.4f\n", right / n
            }' >>"$d/ft.acc" ||
            die "$c: fastText predict and test disagree: $(cat "$d/ft.eval")"
        size_mib "$d/ft.size" "$d/ft.bin"
        # The two trainings of a run are neighbours in time, so their ratio
        # suffers less from the load of other users than either time alone.
        paste "$d/ls.time" "$d/ft.time" |
            awk 'END { print ($2 > 0 ? $1 / $2 : "nan") }' >>"$d/ratio"
    done
    for f in "$d/ls.acc" "$d/ft.acc"; do
        [ -s "$f" ] || die "$c: no accuracy in the output of ${f##*/}: $(cat "${f%.acc}.eval")"
    done

    rows=$rows$(awk -v c="$c" -v n="$labels" \
        -v la="$(median "$d/ls.acc")" -v fa="$(median "$d/ft.acc")" \
        -v lt="$(median "$d/ls.time")" -v ft="$(median "$d/ft.time")" \
        -v ratio="$(median "$d/ratio")" \
        -v lm="$(median "$d/ls.size")" -v fm="$(median "$d/ft.size")" \
        -v lp="$(median "$d/ls.peak")" -v fp="$(median "$d/ft.peak")" 'BEGIN {
            printf "| %s | %d | %.4f | %.4f | %.2f | %.2f | %.2f | %.1f | %.1f | %.0f | %.0f |\n",
                c, n, la, fa, lt, ft, ratio, lm, fm, lp, fp
        }')$'\n'
    rm -f "$d"/*.tsv "$d"/*.txt "$d"/*.model "$d"/ft.bin "$d"/ft.vec
done

echo "libsentiment $version ($commit), sentiment-train -q ${extra:+$extra }(default options otherwise)" \
    "vs fastText $fasttext_version supervised $fasttext_options;" \
    "$(if [ "$repeats" -gt 1 ]; then echo "medians of $repeats runs"; else echo "one run"; fi)," \
    "$(hostname), $(nproc) cores, $(date '+%Y-%m-%d %H:%M')." \
    "Time ratio = libsentiment / fastText training time, median of the per-run ratios; MB = 2^20 bytes; peak = maximum resident memory while training."
echo
echo "| corpus | labels | libsentiment accuracy | fastText accuracy | libsentiment train s | fastText train s | time ratio | libsentiment model MB | fastText model MB | libsentiment peak MB | fastText peak MB |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s' "$rows"
