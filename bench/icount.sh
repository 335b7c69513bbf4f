#!/bin/sh
# bench/icount.sh: instruction counts (valgrind callgrind) of whole caro
# processes on fixed requests, through the pattern engine, the safety
# checker and one answer-cache hit. Counts, unlike wall time, do not move
# when the machine is busy, so CI can gate on them.
#
#   sh bench/icount.sh [OUT.json]             measure (default build/icount.json)
#   sh bench/icount.sh --gate [OUT.json]      measure, then fail when a count
#                                             is over bench/baseline.json by >10%
#
# Every case runs in a private HOME, after one unmeasured run that creates
# the caches it reads. All but match-auto name the platform; match-auto
# detects it as users do, so it pays the cached facts' validity check.
set -eu
cd "$(dirname "$0")/.."
gate=0
[ "${1:-}" = --gate ] && { gate=1; shift; }
out=${1:-build/icount.json}
caro=$PWD/caro
command -v valgrind >/dev/null || { echo "icount: valgrind is not installed" >&2; exit 1; }
[ -x "$caro" ] || { echo "icount: build ./caro first (make)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/caro-icount.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
h="$tmp/h"
mkdir -p "$h"
# A fixed, minimal environment: the loader's work depends on it, and CI's
# environment is not this machine's. A UTF-8 locale, as users have: a
# setlocale() call would cost 60k instructions there and nothing under C.
env_fixed() {
	env -i PATH=/usr/bin:/bin HOME="$h" XDG_CONFIG_HOME="$h/.config" XDG_CACHE_HOME="$h/.cache" \
		XDG_DATA_HOME="$h/.local/share" SHELL=/bin/bash NO_COLOR=1 LANG=C.UTF-8 ${extra:-} "$@"
}

# NAME ARGS...: one count; the case's own exit status is ignored (declines
# exit 3, blocked commands 4), since the count is what matters here.
count() {
	name=$1
	shift
	env_fixed "$@" >/dev/null 2>&1 || true
	n=$(env_fixed valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
	[ -n "$n" ] || { echo "icount: no count for $name" >&2; exit 1; }
	printf '%-16s %10s\n' "$name" "$n" >&2
	printf '%s"%s": %s' "$sep" "$name" "$n" >>"$out.tmp"
	sep=', '
}

sep=''
printf '{' >"$out.tmp"
count version "$caro" --version
count match-list "$caro" --platform linux -b match -o json "list files"
count match-auto "$caro" -b match -o json "list files"
count match-compose "$caro" --platform linux -b match -o json \
	"python files over 2MB modified this week in src"
count match-decline "$caro" --platform linux -b match -o json "write me a poem about the sea"
count check-critical "$caro" --platform linux check -o json -- "sudo rm -rf --no-preserve-root /"
count check-pipeline "$caro" --platform linux check -o json -- \
	"find . -name '*.log' -mtime +7 -print0 | xargs -0 gzip -9"
# The test engine (compiled in, off unless CARO_TEST_ENGINE is set) stands
# in for a model: its first answer is stored, the measured run is a hit.
extra=CARO_TEST_ENGINE=on count cache-hit "$caro" --platform linux -o json "greet the world in french"
printf '}\n' >>"$out.tmp"
mv "$out.tmp" "$out"

if [ $gate = 1 ]; then
	python3 bench/compare --icount bench/baseline.json "$out"
fi
