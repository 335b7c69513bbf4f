# bash completion for caro
_caro() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-o|--output) COMPREPLY=($(compgen -W "plain json" -- "$cur")); return ;;
	-b|--backend) COMPREPLY=($(compgen -W "auto match local ollama openai" -- "$cur")); return ;;
	--platform) COMPREPLY=($(compgen -W "auto linux macos freebsd" -- "$cur")); return ;;
	--shell) COMPREPLY=($(compgen -W "sh bash zsh fish" -- "$cur")); return ;;
	--safety) COMPREPLY=($(compgen -W "strict moderate permissive" -- "$cur")); return ;;
	--config|-m|--model) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	-n|--candidates) COMPREPLY=($(compgen -W "1 2 3 4 5" -- "$cur")); return ;;
	config) COMPREPLY=($(compgen -W "get set show path" -- "$cur")); return ;;
	model) COMPREPLY=($(compgen -W "list pull rm info path run" -- "$cur")); return ;;
	init) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
	get|set)
		if [ "${COMP_WORDS[1]}" = config ]; then
			COMPREPLY=($(compgen -W "$(caro config --help 2>/dev/null | awk '/^  [a-z]/ {print $1}')" -- "$cur"))
		fi
		return ;;
	esac
	if [[ $cur == -* && ${COMP_WORDS[1]} == history ]]; then
		COMPREPLY=($(compgen -W "-n --count -s --search --json --clear -y --yes" -- "$cur"))
	elif [[ $cur == -* && ${COMP_WORDS[1]} == stats ]]; then
		COMPREPLY=($(compgen -W "--json" -- "$cur"))
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "-o --output -b --backend --platform --shell -x --execute -y --yes
			--dry-run --safety --explain -n --candidates --no-cache -m --model -v --verbose
			--config -V --version -h --help --print-only --pick" -- "$cur"))
	elif [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "check config doctor explain history init model stats version help" -- "$cur"))
	fi
}
complete -F _caro caro
