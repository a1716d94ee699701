#!/bin/sh
# What a program built against libsentiment gets from us: pkg-config's
# flags for the installed library carry no macro of our dependencies (they
# are no part of sentiment.h), and on Windows SENTIMENT_API imports the
# functions from the DLL unless the library itself is being built.
. "${top_srcdir:-.}/tests/lib.sh"

CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
pc="$top_builddir/libsentiment.pc"

# ---- pkg-config --cflags of the installed .pc ----
if ! command -v "$PKG_CONFIG" >/dev/null 2>&1; then
    echo "pkg-config not found: the .pc file was not read"
elif [ ! -f "$pc" ]; then
    fail "no $pc (configure makes it)"
else
    # The dependencies must be found for --cflags to answer at all.
    if flags=$("$PKG_CONFIG" --cflags "$pc" 2>"$WORK/err"); then
        case " $flags " in
            *" -D"*) fail "pkg-config --cflags libsentiment gives macros: $flags" ;;
            *) pass "pkg-config --cflags libsentiment gives no macro: $flags" ;;
        esac
    else
        fail "pkg-config cannot read $pc:"; sed 's/^/    /' "$WORK/err"
    fi
    version=$(sed -n 's/^#define SENTIMENT_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
        "$top_srcdir/src/sentiment.h" | paste -sd . -)
    got=$("$PKG_CONFIG" --modversion "$pc" 2>/dev/null)
    [ "$got" = "$version" ] && pass "the .pc file gives the header's version, $version" ||
        fail "the .pc file gives version '$got', the header $version"
fi

# ---- SENTIMENT_API as a Windows compiler sees it ----
# The preprocessor alone tells: on this system nothing is linked.
printf '#include <sentiment.h>\napi: SENTIMENT_API.\n' >"$WORK/api.c"
api() { "$CC" -E -P -D_WIN32 "$@" -I"$top_srcdir/src" "$WORK/api.c" 2>"$WORK/err" |
        sed -n 's/^api: *\(.*\)\.$/\1/p'; }
got=$(api)
[ "$got" = "__declspec(dllimport)" ] && pass "a program on Windows imports the functions" ||
    fail "a program on Windows sees SENTIMENT_API as '$got', not __declspec(dllimport)"
got=$(api -DSENTIMENT_BUILDING)
[ "$got" = "__declspec(dllexport)" ] && pass "the library built on Windows exports them" ||
    fail "the library built on Windows sees SENTIMENT_API as '$got', not __declspec(dllexport)"
got=$(api -DSENTIMENT_STATIC)
[ -z "$got" ] && pass "a program linking the static library on Windows needs neither" ||
    fail "with SENTIMENT_STATIC on Windows, SENTIMENT_API is '$got', not empty"

finish
