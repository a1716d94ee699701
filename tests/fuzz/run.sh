#!/bin/sh
# tests/fuzz/run.sh TARGET [SECONDS [LIBFUZZER-OPTION...]]
#
# Builds fuzz target TARGET (classify, corpus or model: tests/fuzz/fuzz_TARGET.c)
# with clang -fsanitize=fuzzer,address,undefined and runs it for SECONDS
# (default 60) in one process, starting from tests/fuzz/seeds/TARGET and
# tests/fuzz/regressions/TARGET.  New inputs go to $FUZZ_DIR/corpus-TARGET
# (default tests/work/fuzz), failing ones to $FUZZ_DIR/artifacts-TARGET/;
# copy those into tests/fuzz/regressions/TARGET once the bug is fixed.
# CC defaults to clang-14 or clang, whichever exists.
set -eu

target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS [LIBFUZZER-OPTION...]]}
seconds=${2:-60}
[ $# -ge 2 ] && shift 2 || shift $#
top=$(cd "$(dirname "$0")/../.." && pwd)
src="$top/tests/fuzz/fuzz_$target.c"
[ -f "$src" ] || { echo "run.sh: no target '$target' ($src)" >&2; exit 2; }
dir=${FUZZ_DIR:-$top/tests/work/fuzz}
if [ -z "${CC:-}" ]; then
    CC=clang-14
    command -v "$CC" >/dev/null 2>&1 || CC=clang
fi
mkdir -p "$dir/corpus-$target" "$dir/artifacts-$target"

# The library is compiled in whole, from source, with the target's flags
# (src/lexicon-data.c and src/default-model.c are generated; an in-tree
# build may have left them).
sh "$top/src/embed-lexicons.sh" "$top/lexicons" >"$dir/lexicon-data.c"
sh "$top/src/embed-model.sh" "$top/models/default.model" >"$dir/default-model.c"
sources=
for f in "$top"/src/*.c; do
    case $f in
        "$top/src/lexicon-data.c" | "$top/src/default-model.c") ;;
        *) sources="$sources $f" ;;
    esac
done
# shellcheck disable=SC2046
"$CC" -std=c11 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -D_POSIX_C_SOURCE=200809L -DPKGDATADIR='"/nonexistent"' -I"$top/src" -I"$top/tests/fuzz" \
    $(pkg-config --cflags libutf8proc zlib) \
    $sources "$dir/lexicon-data.c" "$dir/default-model.c" "$top/tests/fuzz/common.c" "$src" \
    -o "$dir/fuzz_$target" $(pkg-config --libs libutf8proc zlib) -lm -pthread

# Every input that once failed goes in again; a target may have none yet.
regressions="$top/tests/fuzz/regressions/$target"
[ -d "$regressions" ] || regressions=

cd "$dir"
echo "run.sh: fuzzing $target for $seconds s in $dir"
start=$(date +%s)
status=0
"./fuzz_$target" -max_total_time="$seconds" -timeout=10 -jobs=1 -workers=1 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts-$target/" "$@" \
    "corpus-$target" "$top/tests/fuzz/seeds/$target" $regressions || status=$?
end=$(date +%s)
# With -jobs the output is in fuzz-0.log.
[ -f fuzz-0.log ] && mv fuzz-0.log "log-$target-$start.txt"
echo "run.sh: $target ran $((end - start)) s, exit $status; log in $dir/log-$target-$start.txt"
ls "artifacts-$target"
exit $status
