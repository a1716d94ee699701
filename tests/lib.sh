# tests/lib.sh - sourced by the shell tests.  They speak TAP, read by
# Automake's tap-driver.sh, so that "make check" counts every check: pass,
# fail and skip print one result each, finish prints the plan.  A test
# that cannot run here calls skip_all with the reason before any check.
# Run alone, a test exits 0 when every check passed, 1 otherwise.
set -u

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
TRAIN="$top_builddir/sentiment-train"
CLASSIFY="$top_builddir/sentiment-classify"
DATA="$top_srcdir/tests/data"
# A tool in front of the programs, e.g. "valgrind -q --error-exitcode=99".
RUN=${SENTIMENT_TEST_WRAPPER:-}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sentiment-test.XXXXXX") || exit 1
trap 'lib_exit' EXIT

failures=0
checks=0

# Anything else a test prints should not start with "ok", "not ok", "1.."
# or "#": those lines are TAP.  Details go indented below a result.
pass() { checks=$((checks + 1)); echo "ok $checks - $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $*"; }
# skip REASON: a check that cannot run here, counted as skipped.
skip() { checks=$((checks + 1)); echo "ok $checks # SKIP $*"; }

# skip_all REASON: nothing of this test can run here.
skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

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

# The plan comes last: a test that stops before it has no plan, and the
# driver reports that as an error.
finish() {
    [ "$checks" -gt 0 ] || fail "the test made no check"
    echo "1..$checks"
    echo "# $checks checks, $failures failed"
    [ "$failures" -eq 0 ]
    exit $?
}

# An "exit 77" (Automake's skip, from a test written before TAP) becomes
# a skip with no reason here: the reason it printed is in the log.
lib_exit() {
    status=$?
    rm -rf "$WORK"
    if [ "$status" -eq 77 ] && [ "$checks" -eq 0 ]; then
        echo "1..0 # SKIP exit 77 (the reason is in the log)"
        exit 0
    fi
}

# need_fsync_shim: sets $shim to the preload library of tests/fsync-signal.c,
# which acts from inside fsync() of a model's temporary file, or skips the
# whole test when the build has none (it needs a shared library build).
need_fsync_shim() {
    shim="$top_builddir/tests/.libs/fsync-signal.so"
    [ -f "$shim" ] || skip_all "no $shim (a shared library build is needed to preload it)"
    # A sanitizer runtime wants to be loaded first; the shim does not use it.
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
    export ASAN_OPTIONS
}
