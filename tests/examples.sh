#!/bin/sh
# examples/ build against the library through pkg-config and classify a
# clearly positive and a clearly negative review right, with a model trained
# here on corpora/sample-reviews.tsv: classify.c compiled with cc, and
# classify.py through ctypes when python3 is present.
. "${top_srcdir:-.}/tests/lib.sh"

builddir=$(cd "$top_builddir" && pwd)
srcdir=$(cd "$top_srcdir" && pwd)
libdir="$builddir/.libs"
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

if [ ! -f "$builddir/libsentiment-uninstalled.pc" ]; then
    fail "no libsentiment-uninstalled.pc in $builddir (configure makes it)"
    finish
fi
if [ ! -f "$libdir/libsentiment.so" ]; then
    skip_all "no shared library in $libdir (built with --disable-shared?)"
fi

model="$WORK/sample.model"
if ! $RUN "$TRAIN" -q -e 20 -b 32 --validation 0 -o "$model" \
        "$srcdir/corpora/sample-reviews.tsv" 2>"$WORK/err"; then
    fail "training the sample model:"; sed 's/^/    /' "$WORK/err"; finish
fi

cat >"$WORK/reviews.txt" <<'REVIEWS'
Absolutely wonderful: great food, friendly staff, I loved every minute.
Terrible service, cold food and a rude waiter. Awful, never again.
REVIEWS

# expect_output FILE WHAT: FILE has "pos<TAB>P" then "neg<TAB>P", P > 0.5.
expect_output() {
    if awk -F '\t' 'NR == 1 && $1 == "pos" && $2 > 0.5 { ok++ }
                   NR == 2 && $1 == "neg" && $2 > 0.5 { ok++ }
                   END { exit !(NR == 2 && ok == 2) }' "$1"; then
        pass "$2 classifies the positive review pos and the negative one neg"
    else
        fail "$2: expected pos then neg, each above 0.5; got:"
        sed 's/^/    /' "$1"
    fi
}

# ---- examples/classify.c, with the flags pkg-config gives ----
flags=$(PKG_CONFIG_PATH="$builddir" $PKG_CONFIG --cflags --libs libsentiment) ||
    fail "pkg-config does not find libsentiment-uninstalled.pc"
# The flags name this tree: its header and its freshly built library.
incdir=$(printf '%s\n' $flags | sed -n 's/^-I//p' | head -1)
case " $flags " in
    *" -L$libdir "*)
        if [ -n "$incdir" ] && [ -f "$incdir/sentiment.h" ] &&
            [ "$(cd "$incdir" && pwd)" = "$srcdir/src" ]; then
            pass "pkg-config gives the uninstalled tree's flags: $flags"
        else
            fail "pkg-config gives '$flags': -I is not $srcdir/src"
        fi ;;
    *) fail "pkg-config gives '$flags', without -L$libdir" ;;
esac
# A sanitizer build's library needs its runtime in the program too.
if $CC -std=c11 -Wall -Wextra -Werror ${SANITIZER_CFLAGS:-} \
        "$srcdir/examples/classify.c" -o "$WORK/classify" $flags 2>"$WORK/err"; then
    pass "examples/classify.c compiles without warnings"
    LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$WORK/classify" "$model" <"$WORK/reviews.txt" >"$WORK/out.c" 2>"$WORK/err" ||
        { fail "examples/classify exited $?:"; sed 's/^/    /' "$WORK/err"; }
    expect_output "$WORK/out.c" "examples/classify"
    LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
        "$WORK/classify" "$WORK/no-such.model" </dev/null >/dev/null 2>"$WORK/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "no-such.model" "$WORK/err"; then
        pass "examples/classify with a missing model exits 1 naming it"
    else
        fail "examples/classify with a missing model: exit $rc, stderr:"; sed 's/^/    /' "$WORK/err"
    fi
else
    fail "examples/classify.c does not compile:"; sed 's/^/    /' "$WORK/err"
fi

# ---- examples/classify.py, through ctypes ----
if ! command -v python3 >/dev/null 2>&1; then
    skip "examples/classify.py: python3 not found"
elif [ -n "${SANITIZER_CFLAGS:-}" ]; then
    skip "examples/classify.py: python3 cannot load the sanitizer build's library"
else
    if python3 "$srcdir/examples/classify.py" --lib "$libdir/libsentiment.so" "$model" \
            <"$WORK/reviews.txt" >"$WORK/out.py" 2>"$WORK/err"; then
        expect_output "$WORK/out.py" "examples/classify.py"
    else
        fail "examples/classify.py failed:"; sed 's/^/    /' "$WORK/err"
    fi
    if LIBSENTIMENT="$libdir/libsentiment.so" python3 "$srcdir/examples/classify.py" "$model" \
            <"$WORK/reviews.txt" >"$WORK/out.env" 2>"$WORK/err" &&
            cmp -s "$WORK/out.py" "$WORK/out.env"; then
        pass "examples/classify.py finds the library through LIBSENTIMENT"
    else
        fail "examples/classify.py with LIBSENTIMENT:"; sed 's/^/    /' "$WORK/err"
    fi
    if [ -s "$WORK/out.c" ] && cmp -s "$WORK/out.c" "$WORK/out.py"; then
        pass "examples/classify.py prints exactly what examples/classify prints"
    else
        fail "examples/classify.py and examples/classify print different lines"
    fi
fi

finish
