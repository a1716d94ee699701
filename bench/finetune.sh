#!/bin/sh
# finetune.sh - what fine-tuning the default model is worth on a domain it
# was not trained on, with a few hundred reviews of it.
#
# For steam-fm15 (game reviews) and opspam-hotels (hotel reviews; used here
# to measure fine-tuning, never to train the default model), and for 100,
# 200, 300 and 1,000 reviews of the training split (the first N of a
# seeded shuffle; seeds 1 to 3), prints the accuracy on the test split of:
#
#   default   the default model untouched
#   alone     a model trained on the N reviews alone, default options
#   from      sentiment-train --from default on the N reviews
#
# each seed and the median of the three.  Run from the build tree:
#   sh bench/finetune.sh [EXTRA OPTIONS FOR --from...]
# SENTIMENT_SHARED_DIR says where the corpora are (default ../shared);
# without them the benchmark is skipped, saying so.  Takes a minute or
# two on two cores.
set -eu

shared=${SENTIMENT_SHARED_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared}
train=${SENTIMENT_TRAIN:-./sentiment-train}
classify=${SENTIMENT_CLASSIFY:-./sentiment-classify}
sizes=${FINETUNE_SIZES:-"100 200 300 1000"}
seeds=${FINETUNE_SEEDS:-"1 2 3"}
corpora=${FINETUNE_CORPORA:-"steam-fm15 opspam-hotels"}

for c in $corpora; do
    for split in train test; do
        if [ ! -r "$shared/corpora/$c/$split.tsv.gz" ]; then
            echo "finetune.sh: skipped: $shared/corpora/$c/$split.tsv.gz not found" \
                "(set SENTIMENT_SHARED_DIR)" >&2
            exit 0
        fi
    done
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# The same shuffle for a seed on every machine: shuf reads its randomness
# from a stream that the seed alone decides.
random_bytes() {
    openssl enc -aes-256-ctr -pass pass:"finetune-$1" -nosalt </dev/zero 2>/dev/null
}

# accuracy [MODEL] CORPUS: of MODEL, or of the default model.
accuracy() {
    if [ $# -eq 2 ]; then set -- -m "$1" "$2"; fi
    "$classify" --evaluate "$@" | awk '$1 == "accuracy:" { print $2 }'
}

median() {
    printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The default model is the built-in one, for --from default and for
# sentiment-classify without -m alike.
unset SENTIMENT_MODEL

printf '%-14s %5s  %-8s %8s %8s %8s  %s\n' corpus N model seed1 seed2 seed3 median
for c in $corpora; do
    gzip -dc "$shared/corpora/$c/test.tsv.gz" >"$tmp/test.tsv"
    base=$(accuracy "$tmp/test.tsv")
    for n in $sizes; do
        alone="" from=""
        for seed in $seeds; do
            random_bytes "$seed" | head -c 1048576 >"$tmp/random.$seed"
            gzip -dc "$shared/corpora/$c/train.tsv.gz" |
                shuf --random-source="$tmp/random.$seed" | head -n "$n" >"$tmp/train.tsv"
            "$train" -q --seed "$seed" -o "$tmp/alone.model" "$tmp/train.tsv"
            "$train" -q --seed "$seed" --from default "$@" -o "$tmp/from.model" \
                "$tmp/train.tsv"
            alone="$alone $(accuracy "$tmp/alone.model" "$tmp/test.tsv")"
            from="$from $(accuracy "$tmp/from.model" "$tmp/test.tsv")"
        done
        # shellcheck disable=SC2086
        {
            printf '%-14s %5s  %-8s %8s %8s %8s  %s\n' "$c" "$n" default "$base" "$base" \
                "$base" "$base"
            printf '%-14s %5s  %-8s %8s %8s %8s  %s\n' "$c" "$n" alone $alone \
                "$(median $alone)"
            printf '%-14s %5s  %-8s %8s %8s %8s  %s\n' "$c" "$n" from $from \
                "$(median $from)"
        }
    done
done
