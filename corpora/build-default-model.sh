#!/bin/sh
# build-default-model.sh [OUTPUT]: rebuilds the default model that ships in
# models/default.model, bit for bit, from the English review corpora of
# ../shared/corpora (SENTIMENT_SHARED_DIR overrides where they are) with the
# project's own trainer (SENTIMENT_TRAIN overrides which binary; the default
# is ./sentiment-train of the build tree).  Run it from the build tree, or
# with "make default-model".
#
# What goes in: the training splits of IMDb, MR, CR and Amazon, minus every
# line whose text is also in the test split of one of the English corpora
# (IMDb, SST-2, MR, CR, Amazon).  SST-2 and MR come from the same Rotten
# Tomatoes sentences, so MR's training split holds hundreds of SST-2's test
# sentences; without this filter the model would be tested on sentences it
# was trained on.
#
# SST-2's own training split stays out: its 67,000 phrase fragments
# outnumber all the other reviews together, and with them the model lost 2
# points on IMDb and 2 to 4 on CR's product reviews (see NEWS, 0.2.0).  Its
# sentences are MR's, so the domain is still covered.
set -eu

out=${1:-models/default.model}
shared=${SENTIMENT_SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
train=${SENTIMENT_TRAIN:-./sentiment-train}
corpora="imdb mr cr amazon-mds"
tested="imdb sst2 mr cr amazon-mds"
# Every option that shapes the model is written out, so that a change of
# the trainer's defaults does not silently change the default model.
#
# Two passes over the data, the second at a falling learning rate (linear
# decay to 0), and no held-out share: in this mixture every corpus is at
# its best after one to two passes and worse after three, because IMDb's
# long reviews are learned by heart from the second full-rate pass on.
# The CR training file goes in twice: its short product sentences are the
# smallest part of the mixture.  With this recipe the second copy moves CR
# from 0.8371 to 0.8397 and the others by half a point or less (in one-pass
# runs it lifted CR by 0.3 to 3 points, seeds 1 to 3); more copies cost
# IMDb and MR accuracy and do not lift CR.
options="--quantize 4 --buckets 524288 --ngrams 2 --stem 5 --hidden 16 --epochs 2 \
--learning-rate 0.002 --lr-schedule linear --batch-size 128 --validation 0 --seed 1"

for c in $tested; do
    for split in train test; do
        if [ ! -r "$shared/corpora/$c/$split.tsv.gz" ]; then
            echo "build-default-model.sh: $shared/corpora/$c/$split.tsv.gz: not found" \
                "(set SENTIMENT_SHARED_DIR)" >&2
            exit 1
        fi
    done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# Byte-wise text handling, whatever the user's locale: the same lines must
# be kept everywhere.
LC_ALL=C
export LC_ALL

# Test texts compared lowercased and without white space: the corpora
# tokenize the same sentence differently ("film's", "film 's").
for c in $tested; do
    gzip -dc "$shared/corpora/$c/test.tsv.gz"
done | cut -f2- | tr 'A-Z' 'a-z' | tr -d ' \t\r' | sort -u >"$tmp/tests"

files=""
for c in $corpora; do
    gzip -dc "$shared/corpora/$c/train.tsv.gz" | awk -F'\t' '
        NR == FNR { test[$0] = 1; next }
        { key = tolower(substr($0, index($0, "\t") + 1)); gsub(/[ \t\r]/, "", key) }
        !(key in test)' "$tmp/tests" - >"$tmp/$c.tsv"
    echo "$c: $(wc -l <"$tmp/$c.tsv") training lines kept" >&2
    files="$files $tmp/$c.tsv"
    if [ "$c" = cr ]; then
        files="$files $tmp/$c.tsv"
    fi
done

# shellcheck disable=SC2086
"$train" $options -o "$out" $files
echo "wrote $out ($(wc -c <"$out") bytes)" >&2
