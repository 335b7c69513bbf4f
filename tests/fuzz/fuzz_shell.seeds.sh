#!/bin/sh
# fuzz_shell.seeds.sh SHARED OUTDIR: one seed file per command of the dev
# set (read from ../shared at run time, never copied into the repository)
# and of our own tables in tests/data.
set -eu
shared=$1
out=$2
mkdir -p "$out"
for f in "$shared/eval/dev_safety.tsv" tests/data/safety_cases.tsv; do
	[ -f "$f" ] || continue
	awk -F'\t' -v out="$out" -v tag="$(basename "$f" .tsv)" '
		!/^#/ && NF >= 2 {
			s = $2; gsub(/\\n/, "\n", s); gsub(/\\t/, "\t", s)
			f = sprintf("%s/%s-%04d", out, tag, NR); printf "%s", s > f; close(f)
		}' "$f"
done
awk -F'\t' -v out="$out" '
	!/^#/ && NF >= 2 {
		s = $1; gsub(/\\n/, "\n", s); gsub(/\\t/, "\t", s)
		f = sprintf("%s/shell_parse-%04d", out, NR); printf "%s", s > f; close(f)
	}' tests/data/shell_parse.tsv
