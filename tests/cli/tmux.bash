# tmux.bash: drive real interactive bash, zsh and fish in tmux, for the
# shell-integration tests. Each shell starts from a clean environment and
# a start-up file that only sets a plain "$ " prompt and sources
# `caro init SHELL`, with the caro under test ($CARO) first on PATH.
#
# Nothing here sleeps for a fixed time: every wait polls the pane with
# capture-pane until what it waits for shows, or a deadline passes.

# tsh_start SHELL [LINE...]: start SHELL in a detached tmux session; extra
# lines go into its start-up file before the caro snippet. Waits for the
# first prompt.
tsh_start() {
	local sh=$1 rc cmd
	shift
	TSH_SHELL=$sh
	TSH_SOCK=$BATS_TEST_TMPDIR/tmux.sock
	TSH_BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$TSH_BIN"
	ln -sf "$CARO" "$TSH_BIN/caro"
	case $sh in
	bash)
		rc=$HOME/.bashrc
		{
			echo "PS1='\$ '"
			echo "HISTFILE=\$HOME/.bash_history"
			printf '%s\n' "$@"
			echo 'eval "$(caro init bash)"'
		} >"$rc"
		cmd="bash --noprofile --rcfile $rc -i"
		;;
	zsh)
		rc=$HOME/.zshrc
		{
			echo "PROMPT='\$ '"
			echo "HISTFILE=\$HOME/.zsh_history SAVEHIST=100 HISTSIZE=100"
			printf '%s\n' "$@"
			echo 'eval "$(caro init zsh)"'
		} >"$rc"
		cmd="zsh -d -i"
		;;
	fish)
		rc=$XDG_CONFIG_HOME/fish/config.fish
		mkdir -p "${rc%/*}"
		{
			echo "set -g fish_greeting"
			echo "set -g fish_autosuggestion_enabled 0"
			echo "function fish_prompt; echo -n '\$ '; end"
			printf '%s\n' "$@"
			echo 'caro init fish | source'
		} >"$rc"
		cmd="fish -i"
		;;
	*)
		echo "tsh_start: unknown shell $sh" >&2
		return 1
		;;
	esac
	command -v "$sh" >/dev/null || skip "$sh is not installed (tools/deps.sh test installs it)"
	command -v tmux >/dev/null || skip "tmux is not installed (tools/deps.sh test installs it)"
	tmux -S "$TSH_SOCK" -f /dev/null new-session -d -s t -x 160 -y 40 \
		"env -i HOME='$HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_CACHE_HOME='$XDG_CACHE_HOME' \
		XDG_DATA_HOME='$XDG_DATA_HOME' TERM=screen LANG=C.UTF-8 SHELL=$(command -v "$sh") \
		PATH='$TSH_BIN:/usr/bin:/bin' ${TSH_ENV:-} $cmd"
	tsh_wait_last '^\$$'
	TSH_T0=$(date +%s)
}

# fish merges history written by others only when the clock has moved on
# to a new second since its last merge (history.cpp, whole seconds): wait
# for the second after the shell's start before a merge is expected.
tsh_next_second() {
	[ "$TSH_SHELL" = fish ] || return 0
	while [ "$(date +%s)" -le "$TSH_T0" ]; do sleep 0.05; done
}

tsh_stop() {
	[ -n "${TSH_SOCK:-}" ] && tmux -S "$TSH_SOCK" kill-server 2>/dev/null
	return 0
}

# tsh_type TEXT: type TEXT literally. tsh_key KEY...: tmux key names.
tsh_type() { tmux -S "$TSH_SOCK" send-keys -t t -l -- "$1"; }
tsh_key() { tmux -S "$TSH_SOCK" send-keys -t t "$@"; }

# The pane's text, wrapped lines joined, trailing blank lines dropped.
tsh_pane() { tmux -S "$TSH_SOCK" capture-pane -p -J -t t | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }

# The last non-empty line of the pane, trailing blanks removed.
tsh_last() { tsh_pane | sed -e 's/[[:space:]]*$//' | grep -v '^$' | tail -n 1; }

# The command line: the last line that starts with the "$" prompt (zsh
# shows messages below it), trailing blanks removed.
tsh_cmdline() { tsh_pane | sed -e 's/[[:space:]]*$//' | grep -E '^\$( |$)' | tail -n 1; }

# tsh_wait REGEX [SECONDS]: wait until some line of the pane matches.
tsh_wait() {
	local i n=$((${2:-10} * 50))
	for ((i = 0; i < n; i++)); do
		tsh_pane | grep -Eq -- "$1" && return 0
		sleep 0.02
	done
	echo "timed out waiting for /$1/ in the pane:" >&2
	tsh_pane >&2
	return 1
}

# tsh_wait_last REGEX [SECONDS]: wait until the last line matches.
tsh_wait_last() {
	local i n=$((${2:-10} * 50))
	for ((i = 0; i < n; i++)); do
		tsh_last | grep -Eq -- "$1" && return 0
		sleep 0.02
	done
	echo "timed out waiting for the last line to match /$1/; the pane:" >&2
	tsh_pane >&2
	return 1
}

# tsh_wait_line TEXT [SECONDS]: wait until the command line is exactly
# TEXT (the prompt "$ " and the line after it, as the user sees them).
tsh_wait_line() {
	local i n=$((${2:-10} * 50))
	for ((i = 0; i < n; i++)); do
		[ "$(tsh_cmdline)" = "$1" ] && return 0
		sleep 0.02
	done
	echo "timed out waiting for the line [$1]; the line is [$(tsh_cmdline)]; the pane:" >&2
	tsh_pane >&2
	return 1
}

# tsh_run TEXT: type TEXT, press Enter, wait for the next prompt.
tsh_run() {
	tsh_type "$1"
	tsh_key Enter
	tsh_wait_last '^\$$'
}

# Regex-quote a string for tsh_wait.
tsh_re() { printf '%s' "$1" | sed 's/[][\.*^$?+(){}|/]/\\&/g'; }
