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
# Large inputs: libFuzzer only grows inputs past 4 KiB when a seed is that
# large, and words over the checker's 4 KiB resolution cap, deep nesting and
# long wrapper chains only show up there.
big() {
	awk -v u="$2" -v n="$3" -v pre="$4" -v post="$5" 'BEGIN {
		s = pre; for (i = 0; i < n; i++) s = s u; printf "%s%s", s, post }' > "$out/big-$1"
}
big brace '{a,b}' 1200 'rm -rf /' ''
big word 'a' 6000 'rm -rf /x' ''
big param '$x' 2500 'x=/; rm -rf ' ''
big find 'find / -exec ' 400 '' 'rm -rf /'
big wrap 'sudo env nice ' 400 '' 'rm -rf /'
big subst '$(echo ' 300 '' 'rm -rf /'
big parens '(' 300 '' 'rm -rf /'
big list 'a; ' 3000 '' 'rm -rf /'
