#!/usr/bin/env bash
# Runs one test class N times in a row and prints how many runs passed, to catch tests that pass or
# fail by timing. Not part of `./mvnw verify`: run it on every test class you add or change,
# preferably while the machine is busy (a parallel build, or `stress-ng --cpu 2`).
#
#   scripts/flaky-check.sh TEST_CLASS [N] [MODULE]
#
#   TEST_CLASS  the simple class name (TcpListenerSpoutTest) or a surefire -Dtest pattern
#   N           how many runs (default 20)
#   MODULE      the Maven module holding the test; found from the class name when left out
#
# Each run is a reactor build of the module and what it depends on (`-pl MODULE -am test`, with
# only TEST_CLASS selected), so nothing is installed into ~/.m2. Extra Maven flags come from
# FLAKY_CHECK_MAVEN_ARGS (for instance "-o" when every dependency is cached). The reports of
# failed runs are kept under a temporary folder named at the end.
#
# Last line: "flaky-check: TEST_CLASS P/N passed"; the exit status is 0 when every run passed,
# 1 when one failed, 2 for a usage error.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
    echo "usage: scripts/flaky-check.sh TEST_CLASS [N] [MODULE]" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 3 ]] || usage
test_class=$1
runs=${2:-20}
module=${3:-}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "flaky-check: N must be a whole number above 0, got '$runs'" >&2; usage; }

if [[ -z $module ]]; then
    simple=${test_class##*.}
    mapfile -t found < <(find . -path "*/src/test/java/*" -name "$simple.java" -not -path "./.git/*" \
        | sed -E 's#^\./([^/]+)/src/test/java/.*#\1#' | sort -u)
    if [[ ${#found[@]} -ne 1 ]]; then
        echo "flaky-check: cannot tell the module of '$test_class' (found in: ${found[*]:-none}); name it as the third argument" >&2
        exit 2
    fi
    module=${found[0]}
fi
[[ -f $module/pom.xml ]] || { echo "flaky-check: no Maven module '$module' here" >&2; exit 2; }

keep=$(mktemp -d "${TMPDIR:-/tmp}/flaky-check.XXXXXX")
passed=0
for ((i = 1; i <= runs; i++)); do
    started=$(date +%s)
    # shellcheck disable=SC2086 # FLAKY_CHECK_MAVEN_ARGS holds several flags
    ./mvnw -B -ntp -q ${FLAKY_CHECK_MAVEN_ARGS:-} -pl "$module" -am test -Dtest="$test_class" \
        -Dsurefire.failIfNoSpecifiedTests=false >"$keep/run-$i.log" 2>&1
    status=$?
    took=$(($(date +%s) - started))
    if [[ $status -eq 0 ]]; then
        passed=$((passed + 1))
        echo "run $i/$runs: passed (${took}s)"
        rm -f "$keep/run-$i.log"
    else
        mkdir -p "$keep/run-$i"
        cp "$module"/target/surefire-reports/*"${test_class##*.}"* "$keep/run-$i/" 2>/dev/null
        failures=$(grep -hE '^\[ERROR\] +[A-Za-z].*(<<<|:[0-9]+ )' "$keep/run-$i.log" | head -3)
        echo "run $i/$runs: FAILED (${took}s); log and reports in $keep/run-$i*"
        [[ -n $failures ]] && echo "$failures" | sed 's/^/    /'
    fi
done
[[ $passed -eq $runs ]] && rmdir "$keep" 2>/dev/null
echo "flaky-check: ${test_class##*.} $passed/$runs passed"
[[ $passed -eq $runs ]]
