#!/bin/sh
# bench/default-model.sh: checks that models/default.model rebuilds bit for
# bit from ../shared/corpora (SENTIMENT_SHARED_DIR overrides), then prints
# its test accuracy on every English corpus next to a model trained with
# default options on that corpus alone, its accuracy on the out-of-domain
# sets (hotels, restaurants: never trained on) with their standard errors,
# and all of the models' accuracies on the project's own sample reviews.
# Run from the build tree after make.
set -eu

shared=${SENTIMENT_SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
src=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$shared/corpora" ]; then
    echo "default-model.sh: $shared/corpora not found (set SENTIMENT_SHARED_DIR)" >&2
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

SENTIMENT_SHARED_DIR=$shared SENTIMENT_TRAIN=./sentiment-train \
    sh "$src/corpora/build-default-model.sh" "$tmp/default.model" 2>/dev/null
if cmp -s "$tmp/default.model" "$src/models/default.model"; then
    echo "rebuild: bit for bit the same as models/default.model ($(wc -c <"$tmp/default.model") bytes)"
else
    echo "rebuild: DIFFERS from models/default.model"
fi

accuracy() {
    ./sentiment-classify -m "$1" --evaluate "$2" | sed -n 's/^accuracy: //p'
}

printf '| corpus | default model | trained on the corpus alone | difference |\n'
printf '|---|---:|---:|---:|\n'
corpora="imdb sst2 mr cr amazon-mds amazon-fdu10 uci-amazon-cells steam-fm15"
for c in $corpora; do
    test_file=$shared/corpora/$c/test.tsv.gz
    ./sentiment-train -q -o "$tmp/$c.model" "$shared/corpora/$c/train.tsv.gz"
    d=$(accuracy "$src/models/default.model" "$test_file")
    own=$(accuracy "$tmp/$c.model" "$test_file")
    awk -v c="$c" -v d="$d" -v o="$own" 'BEGIN { printf "| %s | %s | %s | %+.4f |\n", c, d, o, d - o }'
done

# Domains the default model never saw, train and test splits together
# (see ../shared/corpora/MANIFEST.md); opspam-hotels also by its halves,
# whose line ranges the MANIFEST gives: in each split and label, the
# deceptive reviews (written to order) come first, then the truthful ones.
printf '\n| out of domain | reviews | default model | standard error |\n|---|---:|---:|---:|\n'
gzip -dc "$shared/corpora/opspam-hotels/train.tsv.gz" >"$tmp/op-train.tsv"
gzip -dc "$shared/corpora/opspam-hotels/test.tsv.gz" >"$tmp/op-test.tsv"
cat "$tmp/op-train.tsv" "$tmp/op-test.tsv" >"$tmp/opspam-hotels.tsv"
{ sed -n '1,320p;637,956p' "$tmp/op-train.tsv"; sed -n '1,80p;161,240p' "$tmp/op-test.tsv"; } \
    >"$tmp/opspam-hotels-deceptive.tsv"
{ sed -n '321,636p;957,1276p' "$tmp/op-train.tsv"; sed -n '81,160p;241,320p' "$tmp/op-test.tsv"; } \
    >"$tmp/opspam-hotels-truthful.tsv"
gzip -dc "$shared/corpora/uci-yelp/train.tsv.gz" "$shared/corpora/uci-yelp/test.tsv.gz" \
    >"$tmp/uci-yelp.tsv"
for set in opspam-hotels opspam-hotels-truthful opspam-hotels-deceptive uci-yelp; do
    n=$(wc -l <"$tmp/$set.tsv")
    a=$(accuracy "$src/models/default.model" "$tmp/$set.tsv")
    awk -v s="$set" -v n="$n" -v a="$a" \
        'BEGIN { printf "| %s | %d | %s | %.4f |\n", s, n, a, sqrt(a * (1 - a) / n) }'
done

# Reviews of kinds none of the corpora holds (hotels, restaurants, apps,
# ...): the project's own sample corpus, which no model here trained on.
sample=$src/corpora/sample-reviews.tsv
printf '\n%s, accuracy: default model %s' "corpora/sample-reviews.tsv" \
    "$(accuracy "$src/models/default.model" "$sample")"
for c in $corpora; do
    printf '; %s alone %s' "$c" "$(accuracy "$tmp/$c.model" "$sample")"
done
printf '\n'
