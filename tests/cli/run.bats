#!/usr/bin/env bats
# Consent: what runs, when, and how its status comes back.
load helpers

@test "without a terminal nothing runs unless -x and -y are both given" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run --separate-stderr "$CARO" "list files in $HOME/d"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ls\ .*$HOME/d$ ]]
	run --separate-stderr "$CARO" -x "list files in $HOME/d"
	[ "$status" -eq 5 ]
	[[ "$output" != *marker-file* ]]
	[[ "$stderr" == *"-x and -y"* ]]
	run --separate-stderr "$CARO" -y "list files in $HOME/d"
	[ "$status" -eq 0 ]
	[[ "$output" != *marker-file* ]]
	run --separate-stderr "$CARO" -x -y "list files in $HOME/d"
	[ "$status" -eq 0 ]
	[[ "$output" == *marker-file* ]]
	[[ "$stderr" == *"$ ls "*"$HOME/d"* ]]
}

@test "--dry-run never runs" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run --separate-stderr "$CARO" -x -y --dry-run "list files in $HOME/d"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^ls\ .*$HOME/d$ ]]
}

@test "the run command's exit status is passed through" {
	run --separate-stderr "$CARO" -xy "list files in /nonexistent-dir-for-caro"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"nonexistent-dir-for-caro"* ]]
}

@test "JSON mode runs with -x -y, keeps stdout to the one object, adds exit_status" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run --separate-stderr "$CARO" -o json -x -y "list files in $HOME/d"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *marker-file* ]]
	jcheck 'j["exit_status"] == 0 and j["command"].startswith("ls ")'
}

@test "--shell runs the command with that shell" {
	command -v zsh >/dev/null || skip "zsh not installed"
	mkdir -p "$HOME/d"
	export SHELL=/bin/sh
	run --separate-stderr "$CARO" --shell zsh -x -y "list files in $HOME/d"
	[ "$status" -eq 0 ]
}

@test "on a terminal: Enter means no (exit 5) and nothing runs" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run in_pty '\n' "$CARO" "list files in $HOME/d"
	[ "$status" -eq 5 ]
	[[ "$output" == *"Run it? [y/N/e/x/c]"* ]]
	[[ "$output" == *"risk: safe"* ]]
	[[ "$output" != *marker-file* ]]
}

@test "on a terminal: y runs it" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run in_pty 'y\n' "$CARO" "list files in $HOME/d"
	[ "$status" -eq 0 ]
	[[ "$output" == *marker-file* ]]
}

@test "on a terminal: x explains, then n declines" {
	run in_pty 'x\nn\n' "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
	[[ "$output" == *"ls lists the folder"* ]]
}

@test "on a terminal: e edits with \$EDITOR, the edit is re-rated, then runs" {
	mkdir -p "$HOME/d" && touch "$HOME/d/edited-marker"
	printf '#!/bin/sh\necho "ls -1 %s/d" >"$1"\n' "$HOME" >"$HOME/ed.sh"
	chmod +x "$HOME/ed.sh"
	EDITOR="$HOME/ed.sh" run in_pty 'e\ny\n' "$CARO" "list files in /tmp"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ls -1 $HOME/d"* ]]
	[[ "$output" == *edited-marker* ]]
}
