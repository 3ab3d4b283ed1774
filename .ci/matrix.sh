#!/usr/bin/env bash
# h2wire under the interpreters the host does not have, in Debian root file systems
# that debootstrap makes under .build/roots (on first use; reused after):
#
#   trixie  CPython 3.13 (interpreted and compiled), PyPy 3.11 (the pure build)
#   sid     CPython 3.14 (interpreted and compiled)
#
#   .ci/matrix.sh roots    make or update the root file systems only
#   .ci/matrix.sh wheels   build the compiled 3.13 and 3.14 wheels from dist/'s sdist,
#                          repaired with auditwheel, into dist/ (`make build` calls it)
#   .ci/matrix.sh test     in every root: the suite in each mode, a short fuzz pass where
#                          atheris installs, and each wheel of dist/ installed into a clean
#                          venv of its interpreter (.ci/wheel_check.py); the host's 3.11
#                          wheels too; then a summary (`make test-matrix` calls it after
#                          `make build`)
#
# Needs root (debootstrap, chroot, mount) and Debian's and PyPI's servers.  The roots are
# made, and the wheels built, in parallel; `test` runs one job per interpreter, each with
# its own copy of the checkout.  Logs and JUnit files: .build/matrix/.  Steps inside a root:
# .ci/in-root.sh.  Environment: MATRIX_MIRROR (Debian mirror), MATRIX_FUZZ_SECONDS
# (per target and mode, default 10), MATRIX_TIMEOUT (per step, default 40m).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROOTS=$REPO/.build/roots
OUT=$REPO/.build/matrix
MIRROR=${MATRIX_MIRROR:-http://deb.debian.org/debian}
FUZZ_SECONDS=${MATRIX_FUZZ_SECONDS:-10}
STEP_TIMEOUT=${MATRIX_TIMEOUT:-40m}
HOST_CERTS=/etc/ssl/certs/ca-certificates.crt

# The interpreters, in the order each root tests them: the root's Debian suite, the
# command, its Debian packages, and whether mypyc builds a compiled wheel for it.
NAMES=(cpython3.13 pypy3.11 cpython3.14)
declare -A SUITE=([cpython3.13]=trixie [pypy3.11]=trixie [cpython3.14]=sid)
declare -A COMMAND=([cpython3.13]=python3.13 [pypy3.11]=pypy3 [cpython3.14]=python3.14)
declare -A PACKAGES=(
    [cpython3.13]="python3.13 python3.13-venv python3.13-dev"
    [pypy3.11]="pypy3 pypy3-venv"
    [cpython3.14]="python3.14 python3.14-venv python3.14-dev"
)
declare -A COMPILES=([cpython3.13]=1 [pypy3.11]=0 [cpython3.14]=1)
SUITES=(trixie sid)
# Needed in every root: a C compiler (mypyc), and the real peers of the tests (the
# Makefile's INTEROP_PACKAGES: nghttpd, nghttp, h2load, curl, openssl, and chromium for
# tests/test_browser.py).
COMMON_PACKAGES="gcc libc6-dev nghttp2-server nghttp2-client curl openssl chromium"

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "$1" "$2"; }
die() {
    echo "matrix: $*" >&2
    exit 1
}
compiles() { [ "${COMPILES[$1]}" = 1 ]; }
interpreters_of_suite() {
    local name
    for name in "${NAMES[@]}"; do
        if [ "${SUITE[$name]}" = "$1" ]; then echo "$name"; fi
    done
}
packages_of_suite() {
    local name packages=$COMMON_PACKAGES
    for name in $(interpreters_of_suite "$1"); do packages+=" ${PACKAGES[$name]}"; done
    echo "$packages"
}

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mount); CI runs as root"

# -- root file systems ----------------------------------------------------------------

mounted_under() { # anything mounted at or below $1?
    awk -v p="$1" '$2 == p || index($2, p "/") == 1 { found = 1 } END { exit !found }' /proc/self/mounts
}

remove_root() {
    if mounted_under "$1"; then
        die "$1 has mounts under it; not removing it (umount them first)"
    fi
    rm -rf --one-file-system "$1"
}

# /proc is bind-mounted into a root while it is in use, and unmounted when this script
# exits, whatever the outcome (the lock below makes every such mount this run's own; a
# /proc that debootstrap left mounted in an interrupted .partial root goes too).  Still
# busy after an interruption: unmounted lazily.
unmount_all() {
    local suite dir
    for suite in "${SUITES[@]}"; do
        for dir in "$ROOTS/$suite" "$ROOTS/$suite.partial"; do
            if mounted_under "$dir/proc"; then
                umount "$dir/proc" 2>/dev/null || umount -l "$dir/proc" || true
            fi
        done
    done
}
interrupted() {
    local pids
    pids=$(jobs -p)
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    exit 130 # and the EXIT trap unmounts
}
trap unmount_all EXIT
trap interrupted INT TERM

mount_proc() {
    mounted_under "$ROOTS/$1/proc" || mount --bind /proc "$ROOTS/$1/proc"
}

in_root() { # in_root SUITE COMMAND...: a clean environment; the host's CA bundle for pip
    chroot "$ROOTS/$1" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        PIP_CERT=/etc/ssl/host-ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
        DEBIAN_FRONTEND=noninteractive "${@:2}"
}

host_files() { # what the root needs from the host to reach the package indexes
    local root=$ROOTS/$1
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # A file of its own: the root's ca-certificates package rewrites the usual one.
    mkdir -p "$root/etc/ssl"
    cp "$HOST_CERTS" "$root/etc/ssl/host-ca-certificates.crt"
    # A mirror that lags behind (as the one these machines reach does) serves a sid
    # Release file past its one-week Valid-Until; the signature is still checked.
    echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99h2wire-matrix"
}

ensure_debootstrap() {
    command -v debootstrap >/dev/null && return
    log host "installing debootstrap"
    apt-get install -y -qq debootstrap >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }
}

ensure_root() { # make the root of one suite, or bring its packages up to date
    local suite=$1 root=$ROOTS/$1 packages ready
    packages=$(packages_of_suite "$suite")
    ready="$root/.h2wire-ready"
    if [ -f "$ready" ] && [ "$(cat "$ready")" = "$packages" ]; then
        return
    fi
    if [ ! -f "$root/.h2wire-debootstrapped" ]; then
        ensure_debootstrap
        remove_root "$root"
        remove_root "$root.partial"
        mkdir -p "$ROOTS"
        log "$suite" "debootstrap --variant=minbase $suite (log: $OUT/logs/debootstrap-$suite.log)"
        if ! debootstrap --variant=minbase "$suite" "$root.partial" "$MIRROR" \
            >"$OUT/logs/debootstrap-$suite.log" 2>&1; then
            tail -n 30 "$OUT/logs/debootstrap-$suite.log"
            die "debootstrap $suite failed"
        fi
        # Services in packages must not try to start inside the root.
        printf '#!/bin/sh\nexit 101\n' >"$root.partial/usr/sbin/policy-rc.d"
        chmod +x "$root.partial/usr/sbin/policy-rc.d"
        touch "$root.partial/.h2wire-debootstrapped"
        mv "$root.partial" "$root"
    fi
    host_files "$suite"
    mount_proc "$suite"
    log "$suite" "apt-get install $packages"
    # shellcheck disable=SC2086
    if ! { in_root "$suite" apt-get update -qq &&
        in_root "$suite" apt-get install -y -qq --no-install-recommends $packages; } \
        >"$OUT/logs/apt-$suite.log" 2>&1; then
        tail -n 30 "$OUT/logs/apt-$suite.log"
        die "apt-get install in the $suite root failed"
    fi
    echo "$packages" >"$ready"
}

copy_checkout() { # the checkout's files (not .venv, .build, dist...) to ROOT/h2wire/src-NAME
    local root=$ROOTS/$1 name src
    for name in $(interpreters_of_suite "$1"); do
        src=$root/h2wire/src-$name
        rm -rf "$src"
        mkdir -p "$src/.build"
        git ls-files -z --cached --others --exclude-standard |
            tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$src"
        # hyperframe's and h2's sdists (make external), for tests/test_external_suites.py.
        cp -a .build/external "$src/.build/external"
    done
    cp .ci/in-root.sh "$root/h2wire/in-root.sh"
}

copy_dist() {
    local root=$ROOTS/$1
    rm -rf "$root/h2wire/dist" "$root/h2wire/results"
    mkdir -p "$root/h2wire/dist" "$root/h2wire/results"
    cp dist/* "$root/h2wire/dist/"
}

prepare() { # prepare SUITE: root made, /proc mounted, checkout and dist/ copied in
    [ -f .build/external/.ready ] || die ".build/external is missing: run make external"
    ensure_root "$1"
    host_files "$1"
    mount_proc "$1"
    copy_checkout "$1"
    copy_dist "$1"
}

# -- steps ------------------------------------------------------------------------------

# A step's outcome goes to $OUT/results/NAME.status ("ok", "failed", or "skipped: why"),
# its output to $OUT/logs/NAME.log, pytest's JUnit file to $OUT/results/NAME.xml.
step() { # step SUITE NAME COMMAND...: run one in-root step, record and report it
    local suite=$1 name=$2 start status
    shift 2
    start=$SECONDS
    log "$suite" "$name ..."
    if in_root "$suite" timeout --kill-after=60 "$STEP_TIMEOUT" bash /h2wire/in-root.sh "$@" \
        >"$OUT/logs/$name.log" 2>&1; then
        status=ok
    else
        status="failed (exit $?)"
    fi
    if [ -f "$ROOTS/$suite/h2wire/results/$name.xml" ]; then
        cp "$ROOTS/$suite/h2wire/results/$name.xml" "$OUT/results/$name.xml"
    fi
    echo "$status" >"$OUT/results/$name.status"
    echo "$((SECONDS - start))" >"$OUT/results/$name.seconds"
    log "$suite" "$name: $status in $((SECONDS - start)) s"
    if [ "$status" != ok ]; then
        echo "---- last lines of $OUT/logs/$name.log ----"
        tail -n 60 "$OUT/logs/$name.log" | sed "s/^/[$name] /"
        return 1
    fi
}

skip() { # skip NAME REASON
    echo "skipped: $2" >"$OUT/results/$1.status"
    log "-" "$1: skipped: $2"
}

wheel_of() { # the dist/ wheel an interpreter installs
    local tag
    if compiles "$1"; then
        tag=cp${1#cpython}
        tag=${tag/./}
        compgen -G "dist/h2wire-*-$tag-$tag-*manylinux*.whl" | head -n 1 || true
    else
        compgen -G "dist/h2wire-*-py3-none-any.whl" | head -n 1 || true
    fi
}

test_interpreter() { # everything for one interpreter, in its root (sequential steps)
    local name=$1 suite python wheel failed=0 step_name
    suite=${SUITE[$name]}
    python=${COMMAND[$name]}
    for step_name in venv interpreted compiled fuzz wheel; do
        echo "not run" >"$OUT/results/$name-$step_name.status"
    done
    step "$suite" "$name-venv" venv "$name" "$python" || return 1
    step "$suite" "$name-interpreted" suite "$name" "$python" interpreted || failed=1
    wheel=$(wheel_of "$name")
    if [ -z "$wheel" ]; then
        echo "failed: no wheel for $name in dist/ (make build)" >"$OUT/results/$name-wheel.status"
        return 1
    fi
    wheel=/h2wire/dist/$(basename "$wheel")
    if compiles "$name"; then
        step "$suite" "$name-compiled" suite "$name" "$python" compiled "$wheel" || failed=1
    else
        skip "$name-compiled" "mypyc compiles for CPython only: the pure build is tested"
    fi
    if in_root "$suite" "/h2wire/venv-$name/bin/python" -c "import atheris" 2>/dev/null; then
        step "$suite" "$name-fuzz" fuzz "$name" "$python" "$FUZZ_SECONDS" || failed=1
    else
        skip "$name-fuzz" "atheris does not install on $name (requirements-dev.txt)"
    fi
    step "$suite" "$name-wheel" wheel "$name" "$python" "$wheel" || failed=1
    return $failed
}

host_wheel_checks() { # the host's 3.11 wheels, each in a clean venv
    local wheel failed=0 start
    for kind in compiled pure; do
        local name=cpython3.11-host-wheel-$kind
        if [ $kind = compiled ]; then
            wheel=$(compgen -G "dist/h2wire-*-cp311-cp311-*manylinux*.whl" | head -n 1 || true)
        else
            wheel=$(compgen -G "dist/h2wire-*-py3-none-any.whl" | head -n 1 || true)
        fi
        start=$SECONDS
        if [ -n "$wheel" ] && python3 .ci/wheel_check.py "$wheel" >"$OUT/logs/$name.log" 2>&1; then
            echo ok >"$OUT/results/$name.status"
        else
            echo "failed" >"$OUT/results/$name.status"
            tail -n 40 "$OUT/logs/$name.log" 2>/dev/null | sed "s/^/[$name] /"
            failed=1
        fi
        echo "$((SECONDS - start))" >"$OUT/results/$name.seconds"
        log host "$name: $(cat "$OUT/results/$name.status")"
    done
    return $failed
}

# -- commands ---------------------------------------------------------------------------

ensure_roots() { # all roots, made in parallel
    local suite pids=() failed=0
    for suite in "${SUITES[@]}"; do
        ensure_root "$suite" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ $failed = 0 ] || die "a root file system could not be made"
}

cmd_roots() { ensure_roots; }

cmd_wheels() { # compiled wheels of the roots' CPythons, from dist/'s sdist
    compgen -G "dist/h2wire-*.tar.gz" >/dev/null || die "no sdist in dist/: run make build"
    local pids=() suite name failed=0
    ensure_roots
    for suite in "${SUITES[@]}"; do
        prepare "$suite"
        (
            for name in $(interpreters_of_suite "$suite"); do
                compiles "$name" || continue
                step "$suite" "$name-venv" venv "$name" "${COMMAND[$name]}" || exit 1
                step "$suite" "$name-build" build "$name" "${COMMAND[$name]}" || exit 1
            done
        ) &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [ $failed = 0 ] || die "building a wheel failed"
    for suite in "${SUITES[@]}"; do
        for name in $(interpreters_of_suite "$suite"); do
            compiles "$name" || continue
            cp "$ROOTS/$suite"/h2wire/out/"$name"/h2wire-*.whl dist/
            echo "== $name: $(basename "$ROOTS/$suite"/h2wire/out/"$name"/h2wire-*.whl)"
            cat "$ROOTS/$suite/h2wire/out/$name/auditwheel-show.txt"
        done
    done
}

cmd_test() {
    compgen -G "dist/*.whl" >/dev/null || die "no wheels in dist/: run make build"
    local pids=() suite failed=0 start=$SECONDS
    ensure_roots
    for suite in "${SUITES[@]}"; do prepare "$suite"; done
    # One job per interpreter: the two cores stay busy until the end.
    for name in "${NAMES[@]}"; do
        test_interpreter "$name" &
        pids+=($!)
    done
    host_wheel_checks || failed=1
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    python3 .ci/matrix_summary.py "$OUT" || failed=1
    log host "matrix finished in $((SECONDS - start)) s"
    return $failed
}

mkdir -p "$OUT/logs" "$OUT/results"
exec 9>"$REPO/.build/matrix.lock"
flock 9 # one matrix run at a time per checkout (the roots are shared)
case "${1:-}" in
roots) cmd_roots ;;
wheels)
    rm -f "$OUT"/results/* "$OUT"/logs/*
    cmd_wheels
    ;;
test) cmd_test ;;
*) die "usage: .ci/matrix.sh roots|wheels|test" ;;
esac
