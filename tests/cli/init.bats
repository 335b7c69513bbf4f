#!/usr/bin/env bats
# caro init and the protocol its snippets speak (--print-only, --widget,
# --pick, --hand-back), without a terminal. The real shells are driven in
# shell_integration.bats.
load helpers

@test "init: each snippet is valid code for its shell" {
	"$CARO" init bash | bash -n
	"$CARO" init zsh | zsh -n
	"$CARO" init fish | fish --no-execute
}

@test "init: no shell, an unknown shell or extra words are usage errors" {
	run --separate-stderr "$CARO" init
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"which shell?"* ]]
	run --separate-stderr "$CARO" init tcsh
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bash, zsh and fish"* ]]
	run --separate-stderr "$CARO" init bash zsh
	[ "$status" -eq 2 ]
}

@test "init: --help says how to install it and names --print-only" {
	run "$CARO" init --help
	[ "$status" -eq 0 ]
	[[ "$output" == *'eval "$(caro init bash)"'* ]]
	[[ "$output" == *"caro init fish | source"* ]]
	[[ "$output" == *"--print-only"* ]]
}

@test "init: Ctrl-G by default, in each shell's notation" {
	run "$CARO" init bash
	[[ "$output" == *"bind -m emacs -x '\"\\C-g\": __caro_widget'"* ]]
	[[ "$output" == *"bind -m vi-insert -x '\"\\C-g\": __caro_widget'"* ]]
	run "$CARO" init zsh
	[[ "$output" == *"bindkey -M emacs '^G' __caro_widget"* ]]
	run "$CARO" init fish
	[[ "$output" == *"bind \\cg __caro_widget"* ]]
	[[ "$output" == *"bind -M insert \\cg __caro_widget"* ]]
}

@test "init: --key, then CARO_INIT_KEY, then init.key choose the key" {
	run "$CARO" init zsh --key 'alt-k'
	[[ "$output" == *"bindkey -M emacs '^[k' __caro_widget"* ]]
	[[ "$output" == *"# Alt-k: turn the request"* ]]
	CARO_INIT_KEY='^X^E' run "$CARO" init fish
	[[ "$output" == *"bind \\cx\\ce __caro_widget"* ]]
	mkdir -p "$XDG_CONFIG_HOME/caro"
	printf '[init]\nkey = "\\\\M-j"\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	run "$CARO" init bash
	[[ "$output" == *"'\"\\ej\": __caro_widget'"* ]]
	run "$CARO" init bash --key '\C-t'
	[[ "$output" == *"'\"\\C-t\": __caro_widget'"* ]]
}

@test "init: a bad key is refused and can never reach the snippet as code" {
	run --separate-stderr "$CARO" init bash --key "x"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--key x: key: 'x' types a character"* ]]
	run --separate-stderr "$CARO" init bash --key "'; rm -rf ~; '"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	CARO_INIT_KEY='\C-g\q' run --separate-stderr "$CARO" init zsh
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"init.key"* ]]
	# Quotes after a control key are escaped, not closed.
	run "$CARO" init bash --key "\\C-x'\""
	[ "$status" -eq 0 ]
	[[ "$output" == *"'\"\\C-x\\047\\042\": __caro_widget'"* ]]
	printf '%s\n' "$output" | bash -n
	run "$CARO" init fish --key "\\C-x;"
	[[ "$output" == *"bind \\cx\\x3b __caro_widget"* ]]
}

@test "init --print-only says how to build a binding of your own" {
	run --separate-stderr "$CARO" init --print-only
	[ "$status" -eq 0 ]
	[[ "$output" == *'cmd=$(caro --print-only -- "$request")'* ]]
	[[ "$output" == *"exits"*"3 when there is none and 4 when it is blocked"* ]]
}

@test "--print-only prints only the command, and nothing else anywhere" {
	run --separate-stderr "$CARO" -o json "list files in /tmp"
	want=$(jget command)
	run --separate-stderr "$CARO" --print-only "list files in /tmp"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
	[ -z "$stderr" ]
}

@test "--print-only: no command is exit 3 with a message on stderr only" {
	run --separate-stderr "$CARO" --print-only "frobnicate the wibble"
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[[ "$stderr" == *"no command for that request"* ]]
}

@test "--print-only and --widget never run: -x and -o json are usage errors; output=json in the config is not" {
	run --separate-stderr "$CARO" --print-only -x -y "list files in /tmp"
	[ "$status" -eq 2 ]
	run --separate-stderr "$CARO" --widget -o json "list files in /tmp"
	[ "$status" -eq 2 ]
	[[ "$output" == "caro: --widget prints a command"* ]]
	CARO_OUTPUT=json run --separate-stderr "$CARO" --print-only "list files in /tmp"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cmd_for "list files in /tmp")" ]
}

@test "--widget: an empty status line, then the command; stderr stays empty" {
	run --separate-stderr "$CARO" --widget "list files in /tmp"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = $'\n'"$(cmd_for "list files in /tmp")" ]
}

@test "--widget: failures are one status line on stdout with caro's exit code" {
	run --separate-stderr "$CARO" --widget "frobnicate the wibble"
	[ "$status" -eq 3 ]
	[ -z "$stderr" ]
	[[ "$output" == "caro: no command for that request"* ]]
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr "$CARO" --widget -- ""
	[ "$status" -eq 2 ]
	[ "$output" = "caro: the request is empty" ]
	run --separate-stderr "$CARO" --widget --bogus
	[ "$status" -eq 2 ]
	[[ "$output" == "caro: unknown option '--bogus'"* ]]
	# A config error is reported the same way, and warnings stay quiet.
	mkdir -p "$XDG_CONFIG_HOME/caro"
	printf 'safety = "reckless"\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	run --separate-stderr "$CARO" --widget "list files in /tmp"
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	[[ "$output" == caro:*safety* ]]
	printf 'colour = "never"\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	run --separate-stderr "$CARO" --widget "list files in /tmp"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "--widget: quotes, \$, backslashes and newlines in the request arrive exactly" {
	req=$'find files named\n"it\'s $x\\y"'
	run --separate-stderr "$CARO" -o json -- "$req"
	want=$(jget command)
	[[ "$want" == *"'it'\\''s \$x\\y'"* ]]
	run --separate-stderr "$CARO" --widget -- "$req"
	[ "$status" -eq 0 ]
	[ "$output" = $'\n'"$want" ]
	# The quoted word reads back as the name in the request.
	word=${want#*-name }
	[ "$(eval "printf '%s|' $word")" = "it's \$x\\y|" ]
}

@test "--pick chooses a candidate, counting round" {
	run --separate-stderr "$CARO" -n 3 -o json "show disk usage of /var/log"
	n=$(jget candidate_details | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "$n" -ge 2 ]
	for k in $(seq 1 $((n * 2))); do
		want=$(jget "candidate_details.$(((k - 1) % n)).command")
		[ "$(cmd_for -n 3 --pick "$k" "show disk usage of /var/log")" = "$want" ]
	done
	[ "$(cmd_for --pick 1 "show disk usage of /var/log")" = "$(jget command)" ]
	run --separate-stderr "$CARO" --print-only --pick 0 "list files in /tmp"
	[ "$status" -eq 2 ]
	run --separate-stderr "$CARO" --print-only --pick x "list files in /tmp"
	[ "$status" -eq 2 ]
}

@test "--hand-back: without a terminal, -x -y hands the command to fd 3 and runs nothing" {
	mkdir -p "$HOME/d" && touch "$HOME/d/marker-file"
	run --separate-stderr "$CARO" --hand-back 3 -x -y "list files in $HOME/d" 3>"$HOME/handed"
	[ "$status" -eq 0 ]
	[[ "$output" != *marker-file* ]]
	[ "$(cat "$HOME/handed")" = "$(cmd_for "list files in $HOME/d")" ]
	# A descriptor that is not open (or only for reading) is a usage error,
	# never a silent run, and never one of caro's own files.
	run --separate-stderr "$CARO" --hand-back 9 -x -y "list files in $HOME/d"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--hand-back 9: not a descriptor above 2 open for writing"* ]]
	[[ "$output" != *marker-file* ]]
	run --separate-stderr "$CARO" --hand-back 1 -x -y "list files in $HOME/d"
	[ "$status" -eq 2 ]
	run --separate-stderr "$CARO" --hand-back 3 -x -y "list files in $HOME/d" 3<"$HOME/handed"
	[ "$status" -eq 2 ]
	[ "$(cat "$HOME/handed")" = "$(cmd_for "list files in $HOME/d")" ]
}
