#!/bin/sh
# tests/cmocka-tap.sh PROGRAM [ARG...] - runs a test program that prints TAP
# (a cmocka unit test, or a fuzz replay of tests/fuzz/) for Automake's
# tap-driver.sh, so that "make check" counts each test case.
#
# cmocka speaks TAP when CMOCKA_MESSAGE_OUTPUT=TAP; two things of cmocka
# 1.1.5 (Debian 12) are mended here:
#  - a skipped case comes out as "not ok N # SKIP", which TAP reads as a
#    failure: it becomes "ok N # SKIP";
#  - the exit status is the number of failed cases, which the driver would
#    count once more as an error: a status equal to the number of "not ok"
#    lines becomes 0.  Any other status (a crash, a sanitizer's report at
#    exit) is passed on, and the driver reports it.  A crash part-way is
#    caught anyway: cmocka prints its plan first, so cases are missing.
CMOCKA_MESSAGE_OUTPUT=TAP
export CMOCKA_MESSAGE_OUTPUT

# The program's status follows its output down the pipe, on a line of its
# own; awk takes it off and exits with what the driver should see.
{
    "$@"
    echo "cmocka-tap.sh: exit status $?"
} | awk '
    /^cmocka-tap\.sh: exit status [0-9]+$/ { status = $4; next }
    /^not ok [0-9]+ # SKIP/ { sub(/^not ok/, "ok") }
    /^not ok/ { failed++ }
    { print; fflush() }
    END { exit status + 0 == failed + 0 ? 0 : status }'
