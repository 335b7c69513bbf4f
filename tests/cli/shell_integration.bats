#!/usr/bin/env bats
# caro init: real bash, zsh and fish in tmux, with the pattern engine
# answering. The key binding must put caro's command on the line and run
# nothing; a decline or a block must leave the line alone with a message;
# the caro function must put what it ran into the shell's history.
load helpers
load tmux

teardown() {
	tsh_stop
}

# A directory whose listing shows a marker file, to see whether ls ran.
marker_dir() {
	D=$HOME/d
	mkdir -p "$D"
	touch "$D/marker-file"
}

# The key puts the command on the line, exactly, and runs nothing; the
# user can edit it, and it runs only on Enter.
key_replaces_line() {
	marker_dir
	want=$(cmd_for --shell "$1" "list files in $D")
	[ -n "$want" ]
	tsh_start "$1"
	tsh_type "list files in $D"
	tsh_key C-g
	tsh_wait_line "\$ $want"
	! tsh_pane | grep -q marker-file
	# Edit it like any line, then run it.
	tsh_key C-a
	tsh_type "command "
	tsh_wait_line "\$ command $want"
	tsh_key Enter
	tsh_wait marker-file
}

@test "bash: the key replaces the request with the command; nothing runs until Enter" {
	key_replaces_line bash
}

@test "zsh: the key replaces the request with the command; nothing runs until Enter" {
	key_replaces_line zsh
}

@test "fish: the key replaces the request with the command; nothing runs until Enter" {
	key_replaces_line fish
}

# Quotes, $ and backslashes in the request reach caro unexpanded, and the
# quoting in its answer reaches the line intact: the answer's words, run
# through printf, give back the name in the request.
quotes_round_trip() {
	req="find files named \"it's \$x\\y\""
	want=$(cmd_for --shell "$1" "$req")
	[[ "$want" == *"'it'\\''s \$x\\y'"* ]]
	tsh_start "$1"
	tsh_type "$req"
	tsh_key C-g
	tsh_wait_line "\$ $want"
	tsh_key C-a
	tsh_type "printf '<%s>' "
	tsh_key Enter
	tsh_wait "$(tsh_re "<-name><it's \$x\\y>")"
}

@test "bash: quotes, \$ and backslashes survive the round trip" {
	quotes_round_trip bash
}

@test "zsh: quotes, \$ and backslashes survive the round trip" {
	quotes_round_trip zsh
}

@test "fish: quotes, \$ and backslashes survive the round trip" {
	quotes_round_trip fish
}

# A request caro has no command for: the line stays, a message says so.
declined_keeps_line() {
	tsh_start "$1"
	tsh_type "frobnicate the wibble"
	tsh_key C-g
	tsh_wait "caro: no command for that request"
	tsh_wait_line "\$ frobnicate the wibble"
	# An empty line is not a request either.
	tsh_key C-u
	tsh_key C-g
	tsh_wait "caro: the request is empty"
	tsh_wait_line "\$"
}

@test "bash: a declined request leaves the line as it was, with a message" {
	declined_keeps_line bash
}

@test "zsh: a declined request leaves the line as it was, with a message" {
	declined_keeps_line zsh
}

@test "fish: a declined request leaves the line as it was, with a message" {
	declined_keeps_line fish
}

# The caro function: y runs the command in the shell itself, its status
# comes back, and Up recalls it from the shell's own history.
history_after_run() {
	local status_var=$2
	marker_dir
	tsh_start "$1"
	tsh_type "caro list files in $D"
	tsh_key Enter
	tsh_wait_last 'Run it\? \[y/N/e/x/c\]'
	tsh_next_second
	tsh_type y
	tsh_key Enter
	tsh_wait marker-file
	tsh_wait_last '^\$$'
	tsh_run "echo rc=$status_var"
	tsh_wait '^rc=0$'
	tsh_key Up Up
	tsh_wait_line "\$ $(cmd_for "list files in $D")"
	tsh_key Up
	tsh_wait_line "\$ caro list files in $D"
	tsh_key C-u
	# The command's own exit status is the function's.
	tsh_type "caro list files in $HOME/nonexistent-dir"
	tsh_key Enter
	tsh_wait_last 'Run it\?'
	tsh_type y
	tsh_key Enter
	tsh_wait 'nonexistent-dir.*(No such file|cannot access)'
	tsh_wait_last '^\$$'
	tsh_run "echo rc=$status_var"
	tsh_wait '^rc=2$'
	# Saying no runs nothing, returns 5 and adds nothing to the history.
	tsh_type "caro list files in $D"
	tsh_key Enter
	tsh_wait_last 'Run it\?'
	tsh_key Enter
	tsh_wait_last '^\$$'
	tsh_run "echo rc=$status_var"
	tsh_wait '^rc=5$'
	tsh_key Up Up
	tsh_wait_line "\$ caro list files in $D"
	tsh_key C-u
	tsh_wait_line "\$"
}

@test "bash: a command run from caro's menu enters bash's history; its status comes back" {
	history_after_run bash '$?'
	tsh_run 'history -a'
	grep -qxF "$(cmd_for "list files in $D")" "$HOME/.bash_history"
}

@test "zsh: a command run from caro's menu enters zsh's history; its status comes back" {
	history_after_run zsh '$?'
	tsh_run 'fc -W'
	grep -qF ";$(cmd_for "list files in $D")" "$HOME/.zsh_history" ||
		grep -qxF "$(cmd_for "list files in $D")" "$HOME/.zsh_history"
}

@test "fish: a command run from caro's menu enters fish's history; its status comes back" {
	history_after_run fish '$status'
	grep -qxF -- "- cmd: $(cmd_for "list files in $D")" "$XDG_DATA_HOME/fish/fish_history"
}

# A multi-line command edited in the menu is handed back whole, runs as
# written and enters the history as one entry.
multiline_history() {
	cat >"$HOME/ed.sh" <<'EOF'
#!/bin/sh
printf '%s\n' 'echo first-line' 'echo "second $HOME"' >"$1"
EOF
	chmod +x "$HOME/ed.sh"
	TSH_ENV="EDITOR=$HOME/ed.sh" tsh_start "$1"
	tsh_type "caro list files in /tmp"
	tsh_key Enter
	tsh_wait_last 'Run it\?'
	tsh_next_second
	tsh_type e
	tsh_key Enter
	tsh_wait 'echo "second \$HOME"'
	tsh_wait_last 'Run it\?'
	tsh_type y
	tsh_key Enter
	tsh_wait "^second $HOME\$"
	tsh_wait '^first-line$'
}

@test "bash: an edited multi-line command runs whole and enters the history whole" {
	multiline_history bash
	tsh_run 'history -a'
	grep -qx 'echo "second \$HOME"' "$HOME/.bash_history"
	grep -qx 'echo first-line' "$HOME/.bash_history"
}

@test "zsh: an edited multi-line command runs whole and enters the history whole" {
	multiline_history zsh
	tsh_run 'fc -W'
	grep -q 'echo first-line\\$' "$HOME/.zsh_history"
}

@test "fish: an edited multi-line command runs whole and enters the history whole" {
	multiline_history fish
	grep -qxF -- '- cmd: echo first-line\necho "second $HOME"' "$XDG_DATA_HOME/fish/fish_history"
}

@test "bash: init.key and --key choose the key" {
	marker_dir
	mkdir -p "$XDG_CONFIG_HOME/caro"
	printf '[init]\nkey = "\\\\C-x\\\\C-g"\n' >"$XDG_CONFIG_HOME/caro/config.toml"
	tsh_start bash
	tsh_type "list files in $D"
	tsh_key C-x C-g
	tsh_wait_line "\$ $(cmd_for "list files in $D")"
}

@test "zsh: --key binds another key" {
	marker_dir
	tsh_start zsh 'eval "$(caro init zsh --key alt-k)"'
	tsh_type "list files in $D"
	tsh_key M-k
	tsh_wait_line "\$ $(cmd_for "list files in $D")"
}

@test "fish: --key binds another key" {
	marker_dir
	tsh_start fish 'caro init fish --key "\\C-x\\C-g" | source'
	tsh_type "list files in $D"
	tsh_key C-x C-g
	tsh_wait_line "\$ $(cmd_for "list files in $D")"
}

# A blocked answer never reaches the line: it stays, and a message says why.
blocked_keeps_line() {
	run "$CARO" -o json "remove everything in /"
	[ "$(jget blocked)" = true ]
	tsh_start "$1"
	tsh_type "remove everything in /"
	tsh_key C-g
	tsh_wait "caro: blocked, rated critical \\(--safety moderate\\): "
	tsh_wait_line "\$ remove everything in /"
	! tsh_pane | grep -qF "$(jget command)"
}

@test "bash: a blocked command leaves the line as it was, with a message" {
	blocked_keeps_line bash
}

@test "zsh: a blocked command leaves the line as it was, with a message" {
	blocked_keeps_line zsh
}

@test "fish: a blocked command leaves the line as it was, with a message" {
	blocked_keeps_line fish
}

# Pressing the key again on caro's answer shows the next candidate, round
# and round; editing the line makes it a new request. A risky answer says
# so below the line.
next_candidate() {
	run "$CARO" -n 3 -o json "show disk usage of /var/log"
	n=$(jget candidate_details | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "$n" -ge 2 ]
	TSH_ENV="CARO_CANDIDATES=3" tsh_start "$1"
	tsh_type "show disk usage of /var/log"
	for k in $(seq 0 "$n"); do
		tsh_key C-g
		tsh_wait_line "\$ $(jget "candidate_details.$((k % n)).command")"
		tsh_wait "caro: $((k % n + 1)) of $n, press the key again for the next"
	done
	tsh_key C-u
	tsh_type "delete all log files older than 30 days"
	tsh_key C-g
	tsh_wait_line "\$ $(cmd_for "delete all log files older than 30 days")"
	tsh_wait "caro: .*risk moderate"
}

@test "bash: the key again steps through the candidates" {
	next_candidate bash
}

@test "zsh: the key again steps through the candidates" {
	next_candidate zsh
}

@test "fish: the key again steps through the candidates" {
	next_candidate fish
}
