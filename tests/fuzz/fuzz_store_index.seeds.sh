#!/bin/sh
# fuzz_store_index.seeds.sh SHARED OUTDIR: real answer indexes to start
# from, written now by caro itself (its test engine answers, the cache
# keeps the answers), with one, three and forty entries.
set -eu
out=$2
caro=${CARO:-build/rel/caro}
[ -x "$caro" ] || { echo "fuzz_store_index.seeds.sh: build $caro first" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" XDG_CACHE_HOME="$tmp/cache" XDG_CONFIG_HOME="$tmp/config" \
	XDG_DATA_HOME="$tmp/data" CARO_TEST_ENGINE=on
i=0
for n in 1 2 37; do
	while [ $i -lt $n ]; do
		i=$((i + 1))
		"$caro" -n 2 "greet number $i" >/dev/null 2>&1
	done
	cp "$tmp/cache/caro/answers.idx" "$out/idx-$n"
done
