# tests/lib.sh - sourced by the shell tests.  Exit codes follow automake:
# 0 pass, 1 fail, 77 skip (always with a reason on stdout).
set -u

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
TRAIN="$top_builddir/sentiment-train"
CLASSIFY="$top_builddir/sentiment-classify"
DATA="$top_srcdir/tests/data"
# A tool in front of the programs, e.g. "valgrind -q --error-exitcode=99".
RUN=${SENTIMENT_TEST_WRAPPER:-}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentiment-test.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

failures=0
checks=0

pass() { checks=$((checks + 1)); echo "ok: $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL: $*"; }

# expect_exit CODE DESCRIPTION COMMAND...: runs COMMAND, stdout to
# $WORK/out, stderr to $WORK/err, and checks its exit code.
expect_exit() {
    want=$1; what=$2; shift 2
    "$@" >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [ "$got" -eq "$want" ]; then
        pass "$what (exit $got)"
    else
        fail "$what: exit $got, expected $want; stderr:"
        sed 's/^/    /' "$WORK/err"
    fi
}

# expect_grep PATTERN FILE DESCRIPTION
expect_grep() {
    if grep -q -e "$1" "$2"; then
        pass "$3"
    else
        fail "$3: '$1' not found in:"
        sed 's/^/    /' "$2" | head -20
    fi
}

finish() {
    echo "$checks checks, $failures failed"
    [ "$failures" -eq 0 ]
    exit $?
}
