#!/usr/bin/env bats
# make install: the binary, the man page and completions for three shells.
load helpers

@test "make install PREFIX=... installs binary, man page and completions" {
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	dest="$BATS_TEST_TMPDIR/prefix"
	run make -s -C "$repo" install PREFIX="$dest"
	[ "$status" -eq 0 ]
	[ -x "$dest/bin/caro" ]
	[ -f "$dest/share/man/man1/caro.1" ]
	[ -f "$dest/share/bash-completion/completions/caro" ]
	[ -f "$dest/share/zsh/site-functions/_caro" ]
	[ -f "$dest/share/fish/vendor_completions.d/caro.fish" ]
	run "$dest/bin/caro" --version
	[ "$status" -eq 0 ]
}

@test "the man page renders without warnings and covers the contract" {
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	run groff -man -ww -z "$repo/docs/caro.1"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	text=$(groff -man -Tascii -P-cbou "$repo/docs/caro.1")
	for w in --output --backend --platform --shell --execute --yes --dry-run --safety \
		--explain --candidates --no-cache --verbose --config "EXIT STATUS" CARO_API_KEY config.toml; do
		[[ "$text" == *"$w"* ]] || { echo "man page lacks $w"; false; }
	done
}

@test "completions load in bash, zsh and fish" {
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	run bash -c "source '$repo/completions/caro.bash' && complete -p caro"
	[ "$status" -eq 0 ]
	command -v zsh >/dev/null && { run zsh -n "$repo/completions/_caro"; [ "$status" -eq 0 ]; }
	command -v fish >/dev/null && { run fish -n "$repo/completions/caro.fish"; [ "$status" -eq 0 ]; }
	true
}

@test "completions offer every command caro --help lists" {
	repo=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	cmds=$("$CARO" --help | sed -n '/^commands:/,/^$/p' | awk 'NF {print $1}' | grep -v '^commands:')
	[ -n "$cmds" ]
	for c in $cmds; do
		grep -q "\b$c\b" "$repo/completions/caro.bash" || { echo "bash lacks $c"; false; }
		grep -q "\b$c\b" "$repo/completions/caro.fish" || { echo "fish lacks $c"; false; }
		grep -q "'$c\[" "$repo/completions/_caro" || { echo "zsh lacks $c"; false; }
	done
}
