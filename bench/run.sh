#!/bin/sh
# bench/run.sh: every benchmark, results in build/bench.jsonl (one JSON object
# per figure) and a table on stdout. Runs in a private HOME so the user's
# config and cache do not leak in.
set -eu
cd "$(dirname "$0")/.."
out=build/bench.jsonl
: >"$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_DATA_HOME="$tmp/data"
caro=$PWD/caro
pb=build/rel/bench/proc_bench

echo "== whole process (pattern engine)"
"$pb" -n 300 --name "caro match json 'list files'" --json "$out" -- \
	"$caro" --backend match -o json "list files"
"$pb" -n 300 --name "caro check 'rm -rf /'" --allow-exit 4 --json "$out" -- \
	"$caro" check -- rm -rf /
"$pb" -n 300 --name "caro --widget 'list files' (key binding)" --json "$out" -- \
	"$caro" --widget "list files"
"$pb" -n 300 --name "caro explain (pipeline with redirections)" --json "$out" -- \
	"$caro" explain -- "find . -name '*.py' -mtime -7 | xargs grep -l TODO > out.txt 2>&1"
"$pb" -n 300 --name "caro init bash (shell start-up)" --json "$out" -- "$caro" init bash
"$pb" -n 300 --name "baseline /bin/true" --json "$out" -- /bin/true

echo "== tokenizers (build/bench-tok.json)"
CARO_SHARED=${CARO_SHARED:-$PWD/../shared} build/rel/bench/tok_bench --json build/bench-tok.json

echo "== safety checker (build/bench-check.json)"
CARO_SHARED=${CARO_SHARED:-$PWD/../shared} build/rel/bench/check_bench build/bench-check.json

echo "== local engine: cold/warm prompt cache, lazy loading"
python3 bench/local_bench.py --runs 20 --json "$out"
CARO_SHARED=${CARO_SHARED:-$PWD/../shared} build/rel/bench/context_bench --json "$out"
build/rel/bench/sha256_bench --json "$out"

echo "results: $out"
