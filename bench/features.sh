#!/bin/sh
# bench/features.sh - tokenizer + vectorizer throughput on real reviews.
#
# Usage: bench/features.sh [BUILDDIR]   (run from the source tree, after make)
# Reads the IMDb test texts (English) and the Chinese hotel reviews from
# ../shared/corpora, or $SENTIMENT_SHARED_DIR/corpora.  Targets on one core of
# the reference machine: 100 MB/s on English, 30 MB/s on Chinese.
set -eu
builddir=${1:-.}
shared=${SENTIMENT_SHARED_DIR:-$(dirname "$0")/../../shared}
bench="$builddir/bench/bench-features"
if [ ! -x "$bench" ]; then
    echo "features.sh: $bench not built; run make first" >&2
    exit 1
fi
if [ ! -d "$shared/corpora" ]; then
    echo "features.sh: no corpora at $shared/corpora; set SENTIMENT_SHARED_DIR" >&2
    exit 1
fi
echo "tokenizer + vectorizer, default settings, one core:"
printf '%-28s ' "English (imdb test):"
"$bench" -r 5 "$shared/corpora/imdb/test.tsv.gz"
printf '%-28s ' "Chinese (chnsenticorp-htl):"
"$bench" -r 9 "$shared/corpora/chnsenticorp-htl/train.tsv.gz" "$shared/corpora/chnsenticorp-htl/test.tsv.gz"
printf '%-28s ' "Thai (wisesight-th):"
"$bench" -r 9 "$shared/corpora/wisesight-th/train.tsv.gz"
