#!/bin/sh
# fuzz_match.seeds.sh SHARED OUTDIR: one seed per request of the dev set
# (read from ../shared at run time, never copied into the repository) and
# of tests/data/match_cases.tsv.
set -eu
shared=$1
out=$2
mkdir -p "$out"
if [ -f "$shared/eval/dev_nl.jsonl" ] && command -v python3 >/dev/null; then
	python3 - "$shared/eval/dev_nl.jsonl" "$out" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    if line.strip():
        with open("%s/dev_nl-%04d" % (sys.argv[2], i), "w", encoding="utf-8") as f:
            f.write(json.loads(line)["query"])
PY
fi
awk -F'\t' -v out="$out" '
	!/^#/ && NF >= 2 {
		f = sprintf("%s/match_cases-%04d", out, NR); printf "%s", $2 > f; close(f)
	}' tests/data/match_cases.tsv
