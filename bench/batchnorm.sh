#!/bin/bash
# bench/batchnorm.sh - does batch normalization earn its place?
#
# Trains libsentiment with and without --no-batchnorm and answers five
# questions, one markdown table each:
#   (a) how many epochs it takes to reach 99 % of the validation accuracy
#       of the last of 10 epochs (from the per-epoch CSV that --log writes;
#       early stopping is switched off with --patience 0 for this one);
#   (b) the final test accuracy across a learning-rate sweep, x1, x3, x10 and
#       x30 the default rate;
#   (c) the spread of the final test accuracy over seeds 1 to 5;
#   (d) the test accuracy with plain SGD across learning rates;
#   (e) the test accuracy across the first layer's initialization scale,
#       x1, x10 and x100 the default (--init-scale).
# Everything else stays at sentiment-train's defaults, including the
# held-out validation share that picks the epoch kept in the model.  Runs
# take turns (with, then without batch normalization) and never overlap.
#
# The CSV of --log has a header line naming its columns, of which this reads
# epoch, valid_accuracy and elapsed_seconds (seconds since training started,
# so the value on a row is the time to reach that epoch), and one row per
# epoch.  -t checks that reading on existing CSV files without training.
set -eu

prog=batchnorm.sh
multiples="1 3 10 30"
sgd_rates="0.3 1 3"
init_multiples="1 10 100"

usage() {
    cat <<'EOF'
Usage: bench/batchnorm.sh [-q] [-c "CORPUS..."] [-b BUILDDIR] [-x "OPTIONS"]
  or:  bench/batchnorm.sh -t LOG.csv...
Train libsentiment with and without batch normalization and print five
markdown tables: (a) epochs to reach 99 % of the final validation accuracy
in 10 epochs, (b) test accuracy at x1, x3, x10, x30 the default learning
rate, (c) test accuracy over seeds 1 to 5, (d) test accuracy with plain SGD
at learning rates 0.3, 1 and 3, (e) test accuracy at x1, x10 and x100 the
default deviation of the first layer's initial weights.

  -q              quick mode, to try the script: 3 epochs, seeds 1 and 2
  -c "CORPUS..."  corpora to run (default: imdb sst2)
  -b BUILDDIR     folder holding sentiment-train and sentiment-classify
                  (default: the project root)
  -x "OPTIONS"    extra options for every sentiment-train, split at spaces
  -t              only read the given --log CSV files as question (a) does
                  and print what was found (checks the parser; no training)
  -h              show this help

Corpora are read from $SENTIMENT_SHARED_DIR/corpora (default: ../shared/corpora
next to the project root).  Progress goes to standard error, the tables to
standard output.
EOF
}

die() {
    echo "$prog: $*" >&2
    exit 1
}

# Read a --log CSV and print one line: the first epoch whose validation
# accuracy is at least 99 % of the last epoch's, the seconds elapsed at that
# epoch, the last validation accuracy, the best one and its epoch, the
# seconds elapsed at the end, and the number of epochs.  Columns are found
# by their names in the header, so new columns do not break this.
read_log() {
    awk -F, '
        function trim(s) { gsub(/^[ \t\r]+|[ \t\r]+$/, "", s); return s }
        function number(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
        NR == 1 {
            for (i = 1; i <= NF; i++) col[trim($i)] = i
            if (!("epoch" in col) || !("valid_accuracy" in col) || !("elapsed_seconds" in col)) {
                bad = "its header has no epoch, valid_accuracy or elapsed_seconds column"
                exit
            }
            next
        }
        trim($0) == "" { next }
        {
            n++
            epoch[n] = trim($col["epoch"])
            acc[n] = trim($col["valid_accuracy"])
            sec[n] = trim($col["elapsed_seconds"])
            if (!number(acc[n]) || !number(sec[n])) {
                bad = "line " NR " has no number for valid_accuracy or elapsed_seconds"
                exit
            }
        }
        END {
            if (bad == "" && n == 0) bad = "it has no epoch rows"
            if (bad != "") { print FILENAME ": " bad > "/dev/stderr"; exit 1 }
            best = 1
            for (i = 2; i <= n; i++) if (acc[i] + 0 > acc[best] + 0) best = i
            for (hit = 1; acc[hit] + 0 < 0.99 * acc[n]; hit++) ;
            printf "%s %.2f %.4f %.4f %s %.2f %d\n", epoch[hit], sec[hit], acc[n], acc[best], epoch[best], sec[n], n
        }' "$1"
}

# The median, minimum, maximum and sample standard deviation of the numbers
# in file $1, one per line.
spread() {
    sort -g "$1" | awk '{ v[NR] = $1; s += $1; ss += $1 * $1 }
        END {
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            var = NR > 1 ? (ss - s * s / NR) / (NR - 1) : 0
            print m, v[1], v[NR], sqrt(var > 0 ? var : 0)
        }'
}

root=$(cd "$(dirname "$0")/.." && pwd)
builddir=$root
corpora="imdb sst2"
quick=0
extra=""
parse_only=0
while getopts qc:b:x:th opt; do
    case $opt in
    q) quick=1 ;;
    c) corpora=$OPTARG ;;
    b) builddir=$OPTARG ;;
    x) extra=$OPTARG ;;
    t) parse_only=1 ;;
    h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

if [ "$parse_only" = 1 ]; then
    [ $# -gt 0 ] || die "-t needs at least one CSV file"
    echo "| file | epochs to 99 % of final | seconds then | final valid acc | best valid acc (epoch) | seconds in all | epochs |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for f in "$@"; do
        line=$(read_log "$f")
        read -r hit hit_s final best best_epoch total_s n <<<"$line"
        echo "| $f | $hit | $hit_s | $final | $best ($best_epoch) | $total_s | $n |"
    done
    exit 0
fi
if [ $# -ne 0 ]; then
    usage >&2
    exit 2
fi
read -r -a extra_args <<<"$extra"

builddir=$(cd "$builddir" 2>/dev/null && pwd) || die "no folder $builddir"
train=$builddir/sentiment-train
classify=$builddir/sentiment-classify
for exe in "$train" "$classify"; do
    [ -x "$exe" ] || die "no $exe; run make first, or give the build folder with -b"
done
shared=${SENTIMENT_SHARED_DIR:-$root/../shared}
[ -d "$shared/corpora" ] ||
    die "no corpora at $shared/corpora; set SENTIMENT_SHARED_DIR to the folder holding corpora/"
shared=$(cd "$shared" && pwd)
for c in $corpora; do
    for split in train test; do
        [ -f "$shared/corpora/$c/$split.tsv.gz" ] || die "no $shared/corpora/$c/$split.tsv.gz"
    done
done

help=$("$train" --help)
default_lr=$(printf '%s\n' "$help" | sed -n 's/.*--learning-rate.*(default \([^)]*\)).*/\1/p')
default_epochs=$(printf '%s\n' "$help" | sed -n 's/.*--epochs.*(default \([^)]*\)).*/\1/p')
# --init-scale's help line wraps: its default is on the line after it.
default_init=$(printf '%s\n' "$help" | sed -n '/--init-scale/{n;s/.*(default \([^)]*\)).*/\1/p;}')
[ -n "$default_lr" ] || die "no '(default X)' on the --learning-rate line of sentiment-train --help"
has_log=0
if printf '%s\n' "$help" | grep -q -e '--log'; then
    has_log=1
fi
# (a) asks about a fixed number of epochs: switch early stopping off.
no_stop=()
if printf '%s\n' "$help" | grep -q -e '--patience'; then
    no_stop=(--patience 0)
fi

if [ "$quick" = 1 ]; then
    log_epochs=3
    epoch_args=(--epochs 3)
    epochs_said="3 epochs"
    seeds="1 2"
else
    log_epochs=10
    epoch_args=()
    epochs_said="${default_epochs:-the default number of} epochs (the default)"
    seeds="1 2 3 4 5"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sentiment-batchnorm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The training and test file of corpus $1 (imdb-ratings: its 10-class
# rating task, written to the temporary folder once).
train_file() {
    if [ "$1" = imdb-ratings ]; then
        prepare_ratings train
        echo "$tmp/imdb-ratings.train.tsv"
    else
        echo "$shared/corpora/$1/train.tsv.gz"
    fi
}
test_file() {
    if [ "$1" = imdb-ratings ]; then
        prepare_ratings test
        echo "$tmp/imdb-ratings.test.tsv"
    else
        echo "$shared/corpora/$1/test.tsv.gz"
    fi
}
prepare_ratings() {
    [ -f "$tmp/imdb-ratings.$1.tsv" ] ||
        gzip -dc "$shared/corpora/imdb-ratings/$1.tsv.gz" |
        awk -F'\t' '{ print $2 "\t" $3 }' >"$tmp/imdb-ratings.$1.tsv"
}

# Set the array bn_opt to the sentiment-train options for batch
# normalization $1 (on, off).
set_bn_opt() {
    if [ "$1" = off ]; then bn_opt=(--no-batchnorm); else bn_opt=(); fi
}
bn_name() {
    if [ "$1" = off ]; then echo without; else echo with; fi
}

# train_test KEY CORPUS WHAT OPTION...: train on CORPUS with the options,
# test on its test split and leave the accuracy in $tmp/KEY.acc.  A KEY
# already done is not run again (the x1 run of the learning-rate sweep is
# seed 1 of the seed spread).  WHAT says what runs, on standard error.
train_test() {
    local key=$1 corpus=$2 tr te
    [ ! -f "$tmp/$key.acc" ] || return 0
    echo "$prog: $corpus: $3" >&2
    shift 3
    tr=$(train_file "$corpus")
    te=$(test_file "$corpus")
    rm -f "$tmp/model"
    if ! "$train" -q ${extra_args[@]+"${extra_args[@]}"} "$@" -o "$tmp/model" "$tr" >"$tmp/log" 2>&1; then
        cat "$tmp/log" >&2
        die "failed: $train -q ${extra_args[*]} $* -o $tmp/model $tr"
    fi
    "$classify" -m "$tmp/model" --evaluate "$te" >"$tmp/eval"
    sed -n 's/^accuracy: *//p' "$tmp/eval" >"$tmp/$key.acc"
    [ -s "$tmp/$key.acc" ] || die "no accuracy line from sentiment-classify --evaluate: $(cat "$tmp/eval")"
}

version=$("$train" --version | awk 'NR == 1 { print $NF }')
commit=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "unknown commit")
echo "libsentiment $version ($commit): batch normalization study on $corpora;" \
    "$(if [ "$quick" = 1 ]; then echo "quick mode (-q), "; fi)sentiment-train -q" \
    "${extra:+$extra }with default options except those named, with or without --no-batchnorm;" \
    "$(hostname), $(nproc) cores, $(date '+%Y-%m-%d %H:%M')."
echo

# (a) Epochs to reach 99 % of the final validation accuracy.
echo "### (a) Epochs to reach 99 % of the final validation accuracy"
echo
if [ "$has_log" = 0 ]; then
    echo "Not run: this sentiment-train has no --log option."
else
    rows=""
    for c in $corpora; do
        for bn in on off; do
            set_bn_opt $bn
            train_test "$c.log.$bn" "$c" "(a) $log_epochs epochs with --log, $(bn_name $bn) batch normalization" \
                --epochs "$log_epochs" ${no_stop[@]+"${no_stop[@]}"} --log "$tmp/$c.$bn.csv" ${bn_opt[@]+"${bn_opt[@]}"}
            line=$(read_log "$tmp/$c.$bn.csv")
            read -r hit hit_s final best best_epoch total_s n <<<"$line"
            rows=$rows"| $c | $(bn_name $bn) | $hit of $n | $hit_s | $final | $best ($best_epoch) | $(cat "$tmp/$c.log.$bn.acc") | $total_s |"$'\n'
        done
    done
    echo "sentiment-train --epochs $log_epochs ${no_stop[*]+${no_stop[*]} }--log FILE.csv; validation = the default held-out share of train;" \
        "seconds from the log's elapsed_seconds; test accuracy of the model kept (the epoch with the lowest validation loss)."
    echo
    echo "| corpus | batch norm | epochs to 99 % of final valid acc | seconds to that epoch | final valid acc | best valid acc (epoch) | test acc | train s (log) |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$rows"
fi
echo

# (b) Test accuracy across a learning-rate sweep.
rows=""
for c in $corpora; do
    for m in $multiples; do
        lr=$(awk -v d="$default_lr" -v m="$m" 'BEGIN { printf "%g", d * m }')
        for bn in on off; do
            set_bn_opt $bn
            train_test "$c.$bn.x$m.s1" "$c" "(b) learning rate $lr (x$m), $(bn_name $bn) batch normalization" \
                ${epoch_args[@]+"${epoch_args[@]}"} --learning-rate "$lr" --seed 1 ${bn_opt[@]+"${bn_opt[@]}"}
        done
        rows=$rows$(awk -v c="$c" -v m="$m" -v lr="$lr" \
            -v on="$(cat "$tmp/$c.on.x$m.s1.acc")" -v off="$(cat "$tmp/$c.off.x$m.s1.acc")" \
            'BEGIN { printf "| %s | x%s (%s) | %.4f | %.4f | %+.4f |\n", c, m, lr, on, off, on - off }')$'\n'
    done
done
echo "### (b) Test accuracy across learning rates"
echo
echo "sentiment-train --learning-rate R --seed 1, $epochs_said; the default rate is $default_lr."
echo
echo "| corpus | learning rate | with batch norm | without | difference |"
echo "|---|---|---:|---:|---:|"
printf '%s' "$rows"
echo

# (c) Spread of the test accuracy over seeds.
rows=""
for c in $corpora; do
    for bn in on off; do
        rm -f "$tmp/seeds"
        for s in $seeds; do
            set_bn_opt $bn
            train_test "$c.$bn.x1.s$s" "$c" "(c) seed $s, $(bn_name $bn) batch normalization" \
                ${epoch_args[@]+"${epoch_args[@]}"} --learning-rate "$default_lr" --seed "$s" ${bn_opt[@]+"${bn_opt[@]}"}
            cat "$tmp/$c.$bn.x1.s$s.acc" >>"$tmp/seeds"
        done
        read -r med lo hi sd <<<"$(spread "$tmp/seeds")"
        rows=$rows$(awk -v c="$c" -v b="$(bn_name $bn)" -v n="$(wc -l <"$tmp/seeds")" \
            -v med="$med" -v lo="$lo" -v hi="$hi" -v sd="$sd" \
            'BEGIN { printf "| %s | %s | %d | %.4f | %.4f | %.4f | %.4f |\n", c, b, n, lo, med, hi, sd }')$'\n'
    done
done
echo "### (c) Test accuracy over seeds"
echo
echo "sentiment-train --seed S for S in $seeds, default learning rate, $epochs_said" \
    "(seed 1 is the x1 run of (b)); standard deviation with n - 1."
echo
echo "| corpus | batch norm | seeds | min | median | max | std dev |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s' "$rows"
echo

# (d) Plain SGD, the setting of the original claims: Adam already rescales
# every parameter, SGD does not.
rows=""
if "$train" --help | grep -q -- '--optimizer'; then
    for c in $corpora; do
        for lr in $sgd_rates; do
            for bn in on off; do
                set_bn_opt $bn
                train_test "$c.$bn.sgd$lr" "$c" "(d) SGD, learning rate $lr, $(bn_name $bn) batch normalization" \
                    ${epoch_args[@]+"${epoch_args[@]}"} --optimizer sgd --learning-rate "$lr" --seed 1 \
                    ${bn_opt[@]+"${bn_opt[@]}"}
            done
            rows=$rows$(awk -v c="$c" -v lr="$lr" \
                -v on="$(cat "$tmp/$c.on.sgd$lr.acc")" -v off="$(cat "$tmp/$c.off.sgd$lr.acc")" \
                'BEGIN { printf "| %s | %s | %.4f | %.4f | %+.4f |\n", c, lr, on, off, on - off }')$'\n'
        done
    done
    echo "### (d) Test accuracy with plain SGD across learning rates"
    echo
    echo "sentiment-train --optimizer sgd --learning-rate R --seed 1, $epochs_said."
    echo
    echo "| corpus | SGD learning rate | with batch norm | without | difference |"
    echo "|---|---|---:|---:|---:|"
    printf '%s' "$rows"
else
    echo "(d) not run: this sentiment-train has no --optimizer option."
fi
echo

# (e) The first layer's initialization scale: the prototype found the plain
# network sensitive to it (rows of buckets no training text reaches keep
# their initial weights and add noise when classifying).
rows=""
if [ -n "$default_init" ]; then
    for c in $corpora; do
        for m in $init_multiples; do
            scale=$(awk -v d="$default_init" -v m="$m" 'BEGIN { printf "%g", d * m }')
            for bn in on off; do
                set_bn_opt $bn
                # x1 is the x1 run of (b): the same options.
                [ "$m" != 1 ] || cp "$tmp/$c.$bn.x1.s1.acc" "$tmp/$c.$bn.init1.acc"
                train_test "$c.$bn.init$m" "$c" "(e) initial weights x$m ($scale), $(bn_name $bn) batch normalization" \
                    ${epoch_args[@]+"${epoch_args[@]}"} --learning-rate "$default_lr" --seed 1 \
                    --init-scale "$scale" ${bn_opt[@]+"${bn_opt[@]}"}
            done
            rows=$rows$(awk -v c="$c" -v m="$m" -v s="$scale" \
                -v on="$(cat "$tmp/$c.on.init$m.acc")" -v off="$(cat "$tmp/$c.off.init$m.acc")" \
                'BEGIN { printf "| %s | x%s (%s) | %.4f | %.4f | %+.4f |\n", c, m, s, on, off, on - off }')$'\n'
        done
    done
    echo "### (e) Test accuracy across the initialization scale of the first layer"
    echo
    echo "sentiment-train --init-scale S --seed 1, default learning rate, $epochs_said" \
        "(x1 is the x1 run of (b)); the default deviation is $default_init."
    echo
    echo "| corpus | initial deviation | with batch norm | without | difference |"
    echo "|---|---|---:|---:|---:|"
    printf '%s' "$rows"
else
    echo "(e) not run: no '(default X)' for --init-scale in sentiment-train --help."
fi
