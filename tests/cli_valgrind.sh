#!/bin/sh
# sentiment-train and sentiment-classify run under valgrind with no memory
# error and no leak (definite or indirect).
. "${top_srcdir:-.}/tests/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
    skip_all "valgrind is not installed (apt-get install valgrind)"
fi
# valgrind cannot run programs built with AddressSanitizer.
case "${SENTIMENT_SANITIZERS:-}" in
*sanitize=*address*)
    skip_all "built with -fsanitize=address, which valgrind cannot run" ;;
esac

# The programs are libtool wrapper scripts: libtool runs valgrind on the
# real binary with the library path set.
vg() {
    "$top_builddir/libtool" --mode=execute valgrind -q --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect "$@"
}

model="$WORK/tiny.model"
fast="--epochs 3 --buckets 4096 --hidden 8 --validation 0.2 --threads 2"

expect_exit 0 "sentiment-train under valgrind" vg "$TRAIN" $fast -o "$model" "$DATA/tiny.tsv"
cut -f2 "$DATA/tiny.tsv" >"$WORK/texts"
printf 'bad\n\n\377\376 broken UTF-8\n' >>"$WORK/texts"
expect_exit 0 "sentiment-classify under valgrind" vg "$CLASSIFY" -m "$model" --threads 2 "$WORK/texts"
[ "$(wc -l <"$WORK/out")" -eq 43 ] && pass "one output line per input line" ||
    fail "expected 43 lines, got $(wc -l <"$WORK/out")"
expect_exit 0 "sentiment-classify --evaluate under valgrind" vg "$CLASSIFY" -m "$model" --evaluate "$DATA/tiny.tsv"
expect_grep "accuracy" "$WORK/out" "the report is printed"
# Errors take other paths, which must not leak either.
printf 'pos\tfine\nno label\n' >"$WORK/bad.tsv"
expect_exit 1 "a corpus line without a label, under valgrind" vg "$TRAIN" -q -o "$WORK/m" "$WORK/bad.tsv"
expect_exit 1 "a missing model, under valgrind" vg "$CLASSIFY" -m "$WORK/none.model" "$WORK/texts"

finish
