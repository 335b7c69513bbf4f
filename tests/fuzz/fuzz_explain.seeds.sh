#!/bin/sh
# fuzz_explain.seeds.sh SHARED OUTDIR: one seed per command of the dev
# safety set (read from ../shared at run time, never copied into the
# repository) and of tests/data/explain.tsv, plus the line editor's keys.
set -eu
shared=$1
out=$2
mkdir -p "$out"
if [ -f "$shared/eval/dev_safety.tsv" ]; then
	awk -F'\t' -v out="$out" '
		!/^#/ && NF >= 2 {
			f = sprintf("%s/dev_safety-%04d", out, NR); printf "%s", $2 > f; close(f)
		}' "$shared/eval/dev_safety.tsv"
fi
for t in explain lineedit; do
	col=2
	[ "$t" = lineedit ] && col=3
	awk -F'\t' -v out="$out" -v tag="$t" -v col="$col" '
		!/^#/ && NF >= col {
			s = $col; gsub(/\\n/, "\n", s); gsub(/\\e/, "\033", s)
			f = sprintf("%s/%s-%04d", out, tag, NR); printf "%s", s > f; close(f)
		}' "tests/data/$t.tsv"
done
