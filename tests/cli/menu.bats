#!/usr/bin/env bats
# The menu on a terminal, key by key, through a pseudo-terminal:
# Run it? [y/N/e/x/c/n]  run, no (default), edit, explain, copy, next.
load helpers

setup_file() {
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
}

marker_dir() {
	D=$HOME/d
	mkdir -p "$D"
	touch "$D/marker-file"
}

@test "menu: Enter, N, no and q all decline (exit 5) and run nothing" {
	marker_dir
	for answer in '' N no q n; do
		run pty_run 'expect:Run it\? \[y/N/e/x/c\] ' "send:$answer\\r" -- "$CARO" "list files in $D"
		[ "$status" -eq 5 ] || { echo "answer [$answer]: $output"; false; }
		[[ "$output" != *marker-file* ]]
	done
}

@test "menu: end of input declines" {
	run pty_run 'expect:Run it\?' close -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
}

@test "menu: y and Y and yes run the command" {
	marker_dir
	for answer in y Y yes; do
		run pty_run 'expect:Run it\?' "send:$answer\\r" 'expect:marker-file' -- "$CARO" "list files in $D"
		[ "$status" -eq 0 ] || { echo "answer [$answer]: $output"; false; }
	done
}

@test "menu: an unknown answer lists the keys and asks again" {
	run pty_run 'expect:Run it\?' 'send:z\r' 'expect:y run it, N or Enter no, e edit, x explain, c copy' \
		'expect:Run it\?' 'send:\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
}

@test "menu: x explains, then asks again" {
	run "$CARO" -o json "list files in /tmp"
	expl=$(jget explanation)
	[ -n "$expl" ]
	run pty_run 'expect:Run it\?' 'send:x\r' "expect:$(re_quote "$expl")" 'expect:Run it\?' 'send:\r' \
		-- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
}

@test "menu: c copies with a clipboard program when one fits the session" {
	mkdir -p "$HOME/bin"
	printf '#!/bin/sh\ncat >"%s/clip"\n' "$HOME" >"$HOME/bin/xclip"
	chmod +x "$HOME/bin/xclip"
	PATH="$HOME/bin:$PATH" DISPLAY=:9 run pty_run 'expect:Run it\?' 'send:c\r' 'expect:copied \(xclip\)' \
		'expect:Run it\?' 'send:\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
	[ "$(cat "$HOME/clip")" = "$(cmd_for "list files in /tmp")" ]
}

@test "menu: c copies through the terminal (OSC 52) without a clipboard program" {
	# No DISPLAY, no WAYLAND_DISPLAY: the terminal gets the text.
	expected=$(cmd_for "list files in /tmp" | tr -d '\n' | base64)
	DISPLAY= WAYLAND_DISPLAY= run pty_run 'expect:Run it\?' 'send:c\r' \
		"expect:\\x1b\\]52;c;$expected\\x07" 'expect:copied through the terminal' 'send:\r' \
		-- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
}

@test "menu: e opens \$VISUAL before \$EDITOR; the edit is shown, rated and run" {
	marker_dir
	printf '#!/bin/sh\necho "ls -1 %s" >"$1"\n' "$D" >"$HOME/visual.sh"
	printf '#!/bin/sh\necho "echo wrong editor" >"$1"\n' >"$HOME/editor.sh"
	chmod +x "$HOME/visual.sh" "$HOME/editor.sh"
	VISUAL="$HOME/visual.sh" EDITOR="$HOME/editor.sh" run pty_run 'expect:Run it\?' 'send:e\r' \
		"expect:ls -1 $D.*risk: safe" 'expect:Run it\?' 'send:y\r' 'expect:marker-file' \
		-- "$CARO" "list files in /tmp"
	[ "$status" -eq 0 ]
	[[ "$output" != *"wrong editor"* ]]
}

@test "menu: an edit to a blocked command is rated afresh and never runs or copies" {
	printf '#!/bin/sh\necho "rm -rf /" >"$1"\n' >"$HOME/ed.sh"
	chmod +x "$HOME/ed.sh"
	EDITOR="$HOME/ed.sh" run pty_run 'expect:Run it\?' 'send:e\r' 'expect:risk: critical.*blocked' \
		'expect:Run it\?' 'send:y\r' 'expect:blocked: caro does not run' \
		'expect:Run it\?' 'send:c\r' 'expect:blocked: caro does not copy' \
		'expect:Run it\?' 'send:\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 4 ]
}

@test "menu: an editor that changes nothing keeps the command" {
	printf '#!/bin/sh\nexit 0\n' >"$HOME/ed.sh"
	chmod +x "$HOME/ed.sh"
	EDITOR="$HOME/ed.sh" run pty_run 'expect:Run it\?' 'send:e\r' 'expect:unchanged' \
		'expect:Run it\?' 'send:\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
}

@test "menu: e without an editor edits on the line: Ctrl-A, typing, Enter" {
	marker_dir
	run pty_run 'expect:Run it\?' 'send:e\r' 'expect:edit> ' 'send:\x01command \r' \
		"expect:command $(re_quote "$(cmd_for "list files in $D")")\\n.*risk: safe" 'expect:Run it\?' 'send:y\r' 'expect:marker-file' \
		-- "$CARO" "list files in $D"
	[ "$status" -eq 0 ]
}

@test "menu: the line editor's keys work on a real terminal" {
	marker_dir
	# Ctrl-U clears; type a new command with a UTF-8 word; Left x4, Backspace,
	# Delete, Home, Ctrl-K after a word, End: the result is what the keys say.
	run pty_run 'expect:Run it\?' 'send:e\r' 'expect:edit> ' \
		'send:\x15echo héllo wörld' 'send:\x1b[D\x1b[D\x1b[D\x1b[D' 'send:\x7f' 'send:\x1b[3~' \
		'send:\x1b[H\x1b[C\x1b[C\x1b[C\x1b[C\x0b' 'send: hi "$HOME" \x1b[F\r' \
		'expect:echo hi "\$HOME"\n  risk: safe' 'expect:Run it\?' 'send:y\r' 'expect:hi /' \
		-- "$CARO" "list files in $D"
	[ "$status" -eq 0 ]
	[[ "$output" != *marker-file* ]]
}

@test "menu: Ctrl-C in the line editor keeps the old command" {
	run pty_run 'expect:Run it\?' 'send:e\r' 'expect:edit> ' 'send:\x15rm -rf /\x03' \
		'expect:unchanged' 'expect:Run it\?' 'send:\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
	[[ "$output" != *"risk: critical"* ]]
}

@test "menu: a pasted multi-line command is kept whole (bracketed paste)" {
	run pty_run 'expect:Run it\?' 'send:e\r' 'expect:edit> ' \
		'send:\x15\x1b[200~echo one\necho two\x1b[201~\r' 'expect:echo one\necho two\n.*risk: safe' \
		'expect:Run it\?' 'send:y\r' 'expect:one\ntwo' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 0 ]
}

@test "menu: with one candidate there is no n(ext); n means no" {
	run pty_run 'expect:Run it\? \[y/N/e/x/c\] ' 'send:n\r' -- "$CARO" "list files in /tmp"
	[ "$status" -eq 5 ]
	[[ "$output" != *"candidate 1 of"* ]]
}

@test "menu: with --hand-back, y hands the command to the shell function instead of running it" {
	marker_dir
	run pty_run 'expect:Run it\?' 'send:y\r' -- sh -c "\"\$0\" --hand-back 3 list files in $D 3>\"$HOME/handed\"" "$CARO"
	[ "$status" -eq 0 ]
	[[ "$output" != *marker-file* ]]
	[ "$(cat "$HOME/handed")" = "$(cmd_for "list files in $D")" ]
	# A file works too, and nothing is written when the answer is no.
	run pty_run 'expect:Run it\?' 'send:\r' -- "$CARO" --hand-back "$HOME/f2" list files in "$D"
	[ "$status" -eq 5 ]
	[ ! -e "$HOME/f2" ]
}

@test "menu: n steps through the candidates, each with its own rating, and y runs the one shown" {
	run "$CARO" -n 3 -o json "show disk usage of /var/log"
	n=$(jget candidate_details | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "$n" -ge 2 ]
	c1=$(jget candidate_details.0.command)
	c2=$(jget candidate_details.1.command)
	run pty_run 'expect:Run it\? \[y/N/e/x/c/n\] ' 'send:n\r' \
		"expect:$(re_quote "$c2")\\n  risk: [a-z]+\\n  candidate 2 of $n\\n" 'expect:Run it\?' \
		"send:$(printf 'n\\r%.0s' $(seq 2 "$n"))" \
		"expect:$(re_quote "$c1")\\n  risk: [a-z]+\\n  candidate 1 of $n\\n" 'expect:Run it\?' \
		'send:n\r' 'expect:candidate 2 of' 'expect:Run it\?' 'send:c\r' 'expect:copied' \
		'expect:Run it\?' 'send:N\r' -- "$CARO" -n 3 "show disk usage of /var/log"
	[ "$status" -eq 5 ]
	[[ "$output" == *"$c1"$'\n'"  risk: "*$'\n'"  candidate 1 of $n"* ]]
}

@test "menu: y runs the candidate shown, not the first" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run "$CARO" -n 3 -o json "list files in $HOME/d"
	c2=$(jget candidate_details.1.command)
	[ "$c2" != "$(jget command)" ]
	run pty_run 'expect:Run it\?' 'send:n\r' "expect:$(re_quote "$c2")" 'expect:Run it\?' 'send:y\r' \
		-- sh -c '"$0" --hand-back 3 -n 3 "list files in $1" 3>"$1/handed"' "$CARO" "$HOME/d"
	[ "$status" -eq 0 ]
	[ "$(cat "$HOME/d/handed")" = "$c2" ]
}

@test "a blocked command with no other candidate is refused without a menu (exit 4)" {
	run --separate-stderr "$CARO" -o json "remove everything in /"
	[ "$(jget blocked)" = true ]
	run pty_run 'expect:not running a command rated critical' -- "$CARO" "remove everything in /"
	[ "$status" -eq 4 ]
	[[ "$output" != *"Run it?"* ]]
}

@test "menu: among several candidates, blocked ones can be shown but never run or copied" {
	run --separate-stderr "$CARO" -n 3 -o json "delete all directories in /"
	[ "$(jget candidate_details.1.blocked)" = true ]
	run pty_run 'expect:Run it\? \[y/N/e/x/c/n\]' 'send:y\r' 'expect:blocked: caro does not run' \
		'expect:Run it\?' 'send:c\r' 'expect:blocked: caro does not copy' \
		'expect:Run it\?' 'send:n\r' 'expect:candidate 2 of' 'expect:Run it\?' 'send:y\r' \
		'expect:blocked: caro does not run' 'expect:Run it\?' 'send:\r' \
		-- "$CARO" -n 3 "delete all directories in /"
	[ "$status" -eq 4 ]
}
