# fish completion for caro
set -l cmds check config doctor version help
complete -c caro -f
complete -c caro -n "not __fish_seen_subcommand_from $cmds" -a "$cmds"
complete -c caro -s o -l output -x -a "plain json" -d "output format"
complete -c caro -s b -l backend -x -a "auto match local ollama openai" -d engine
complete -c caro -l platform -x -a "auto linux macos freebsd" -d "target userland"
complete -c caro -l shell -x -a "sh bash zsh fish" -d "shell to write for"
complete -c caro -s x -l execute -d "run the command"
complete -c caro -s y -l yes -d "do not ask before running"
complete -c caro -l dry-run -d "never run anything"
complete -c caro -l safety -x -a "strict moderate permissive" -d "safety level"
complete -c caro -l explain -d "say what the command does"
complete -c caro -s n -l candidates -x -d "number of commands"
complete -c caro -l no-cache -d "do not use cached answers"
complete -c caro -s m -l model -r -F -d "local GGUF model"
complete -c caro -s v -l verbose -d "diagnostics on stderr"
complete -c caro -l config -r -F -d "config file"
complete -c caro -s V -l version -d "print the version"
complete -c caro -s h -l help -d "print help"
complete -c caro -n "__fish_seen_subcommand_from config" -x -a "get set show path"
