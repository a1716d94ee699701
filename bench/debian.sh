# bench/debian.sh - sourced by the benchmarks that run a peer program:
# installs a missing Debian package, since the benchmarks must run on a
# fresh machine as they do in CI.
#
# need_debian COMMAND PACKAGE: returns when COMMAND (a name on PATH or an
# absolute path) exists, installing PACKAGE with apt-get first if it does
# not (with sudo when not root; the package lists are updated once if the
# first try fails).  Calls die with a message if it still does not exist.
have_command() {
    [ -x "$1" ] || command -v "$1" >/dev/null 2>&1
}

need_debian() {
    have_command "$1" && return 0
    echo "$prog: installing $2 (Debian) for $1" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null 2>&1 ||
        { $sudo apt-get update -qq &&
          DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null; } ||
        die "$1 is missing and the Debian package $2 could not be installed"
    have_command "$1" || die "$1 is still missing after installing $2"
}
