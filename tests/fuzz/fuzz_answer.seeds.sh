#!/bin/sh
# fuzz_answer.seeds.sh SHARED OUTDIR: each input of tests/data/answers.txt,
# after one options byte.
set -eu
mkdir -p "$2"
awk -v out="$2" '
	/^=== / { n++; f = sprintf("%s/answer-%03d", out, n); printf "%c", 4 > f; inside = 1; first = 1; next }
	/^--- / { close(f); inside = 0; next }
	inside { printf "%s%s", (first ? "" : "\n"), $0 > f; first = 0 }
' tests/data/answers.txt
