# SPDX-License-Identifier: ISC
# bash completion for lpar(1)                              -*- shell-script -*-
#
# Commands come from 'lpar --list-cmds'; each command's options come from
# _lpar_cmd_opts below, which tests/sync.bats keeps in step with
# 'lpar CMD --help'; partition names come from 'lpar list --names'.  Needs
# no bash-completion helpers.

# The options of command $1, long ones first; fails for an unknown command.
_lpar_cmd_opts()
{
	case $1 in
	run)     echo "--detach --rm --config --mem --name --chan --env --share --workdir --core --accel --debug --gdb --trace --help -d -e -f -m -n -h" ;;
	attach)  echo "--gdb --core --help -batch -ex -x -h" ;;
	core)    echo "--force --help -h" ;;
	mem)     echo "--virt --force --format --file --output --string --int --size --core --image --help -o -h" ;;
	hcall)   echo "--list --help -l -h" ;;
	trace)   echo "--summary --filter --output --json --help -c -e -o -h" ;;
	create)  echo "--rm --config --mem --name --chan --env --share --workdir --core --accel --help -e -f -m -n -h" ;;
	list)    echo "--all --names --help -a -h" ;;
	stop)    echo "--timeout --help -t -h" ;;
	rm)      echo "--force --ended --help -f -h" ;;
	version) echo "--verbose --help -v -h" ;;
	logs)    echo "--follow --tail --help -f -h" ;;
	top)     echo "--batch --iterations --delay --sort --help -b -n -d -s -h" ;;
	start|status|console|pause|resume|kill|wait|help|host-check)
		 echo "--help -h" ;;
	*)       return 1 ;;
	esac
}

_lpar_global_opts="--json --version --help -j -V -h"

# The commands, from the lpar being completed ($1), or from PATH.
_lpar_cmds()
{
	local lpar

	lpar=$(_lpar_bin "$1")
	"$lpar" --list-cmds 2>/dev/null
}

# The lpar being completed ($1), or the one on PATH.
_lpar_bin()
{
	local lpar=${1/#\~/$HOME}

	command -v -- "$lpar" >/dev/null 2>&1 || lpar=lpar
	printf '%s\n' "$lpar"
}

# Offers the names of partitions that start with $2, from 'lpar list
# --names' of the lpar being completed ($1); with $3 = -a, ended ones too.
_lpar_names()
{
	local lpar

	lpar=$(_lpar_bin "$1")
	mapfile -t COMPREPLY < <(compgen -W "$("$lpar" list ${3:+"$3"} --names 2>/dev/null)" -- "$2")
}

# The names of the hcalls that $2 (guest or controller) may issue, from
# 'lpar hcall --list' of the lpar being completed ($1).
_lpar_hcalls()
{
	local lpar

	lpar=$(_lpar_bin "$1")
	"$lpar" hcall --list 2>/dev/null |
		awk -v who="$2" 'NR > 1 && ($3 == who || $3 == "both") { print $2 }'
}

# Whether the word under the cursor is in the VALUE of "--env NAME=VALUE"
# (or "-e", or "--env=NAME=VALUE"), which arrives as --env, NAME, =, VALUE.
_lpar_in_env_value()
{
	local c=$COMP_CWORD k j

	if [[ ${COMP_WORDS[c]} == = ]]; then
		k=$((c - 1))
	elif [[ ${COMP_WORDS[c-1]} == = ]]; then
		k=$((c - 2))
	else
		return 1
	fi
	j=$((k - 1))
	[[ ${COMP_WORDS[j]} == = ]] && j=$((k - 2))
	((j > 0)) && [[ ${COMP_WORDS[j]} == --env || ${COMP_WORDS[j]} == -e ]]
}

# Offers partition images: *.elf files and directories to descend into.
_lpar_images()
{
	local hide=''

	[[ $1 == .* ]] || hide='.*'
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -d -X "$hide" -- "$1"; compgen -f -X '!*.elf' -- "$1")
}

_lpar()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local i cmd='' ci=0 w

	COMPREPLY=()
	# The command is the first word that is not a global option.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]} ci=$i; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_lpar_global_opts" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmds "${COMP_WORDS[0]}")" -- "$cur")
		fi
		return 0
	fi

	# "--mem=SIZE" arrives as three words: --mem, =, SIZE.
	if [[ $prev == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
		[[ $cur == = ]] && cur=
	elif [[ $cur == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD-1]} cur=
	fi

	case $cmd in
	run|create)
		_lpar_in_env_value && return 0
		case $prev in
		--mem|-m)
			mapfile -t COMPREPLY < <(compgen -W "64M 128M 256M 512M 1G 2G" -- "$cur")
			return 0 ;;
		--accel)
			mapfile -t COMPREPLY < <(compgen -W "kvm tcg auto" -- "$cur")
			return 0 ;;
		--name|-n|--gdb|--chan|--env|-e)
			return 0 ;;
		--config|-f)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0 ;;
		--share|--workdir|--core)
			# Host directories; the :GUESTPATH and :ro that may follow are typed.
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -d -- "$cur")
			return 0 ;;
		--trace)
			# Only "--trace=FILE": a word after a bare --trace is the image.
			if [[ ${COMP_WORDS[COMP_CWORD-1]} == = || ${COMP_WORDS[COMP_CWORD]} == = ]]; then
				compopt -o filenames 2>/dev/null
				mapfile -t COMPREPLY < <(compgen -f -- "$cur")
				return 0
			fi ;;
		esac
		# Options end at the image; what follows is the partition's.
		local image='' ddash=''
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [[ -z $ddash ]]; then
				case $w in
				--) ddash=1; continue ;;
				--mem|-m|--name|-n|--config|-f|--gdb|--chan|--share|--workdir|--core|--accel)
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
					((i++)); continue ;;
				--env|-e)
					# NAME, then "=" and VALUE (an empty VALUE
					# followed by the image is taken for one)
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
					((i++))
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i += 2))
					continue ;;
				--trace)
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i += 2))
					continue ;;
				-*) continue ;;
				esac
			fi
			image=$w
			break
		done
		if [[ -n $image ]]; then
			compopt -o default 2>/dev/null
			return 0
		fi
		if [[ -z $ddash && $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts "$cmd")" -- "$cur")
		else
			_lpar_images "$cur"
		fi
		;;
	attach)
		case $prev in
		-ex|--gdb)
			return 0 ;;
		-x|--core)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts attach)" -- "$cur")
		elif [[ " ${COMP_WORDS[*]:ci:COMP_CWORD-ci} " == *" --core "* ]]; then
			# With a core, the operand is its image.
			_lpar_images "$cur"
		else
			_lpar_names "${COMP_WORDS[0]}" "$cur"
		fi
		;;
	core)
		# [--force] NAME [FILE]: a live partition, then where its core goes.
		local ops=0
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -* ]] || ((ops++))
		done
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts core)" -- "$cur")
		elif [[ $ops -eq 0 ]]; then
			_lpar_names "${COMP_WORDS[0]}" "$cur"
		elif [[ $ops -eq 1 ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		;;
	mem)
		case $prev in
		--format)
			mapfile -t COMPREPLY < <(compgen -W "x1 x2 x4 x8 d4 s raw" -- "$cur")
			return 0 ;;
		--size)
			mapfile -t COMPREPLY < <(compgen -W "1 2 4 8" -- "$cur")
			return 0 ;;
		--file|--output|-o|--core)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0 ;;
		--image)
			_lpar_images "$cur"
			return 0 ;;
		--string|--int)
			return 0 ;;
		esac
		# Options go anywhere; the operands are NAME (none with --core), the
		# memory command, its own.
		local ops=() ddash=''
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			if [[ -z $ddash ]]; then
				case $w in
				--) ddash=1; continue ;;
				--core)
					ops+=("--core")
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
					((i++)); continue ;;
				--format|--file|--output|-o|--string|--int|--size|--image)
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
					((i++)); continue ;;
				-*) continue ;;
				esac
			fi
			ops+=("$w")
		done
		if [[ -z $ddash && $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts mem)" -- "$cur")
			return 0
		fi
		case ${#ops[@]} in
		0) _lpar_names "${COMP_WORDS[0]}" "$cur" ;;
		1) mapfile -t COMPREPLY < <(compgen -W "read write dump load find map sym" -- "$cur") ;;
		2) if [[ ${ops[1]} == load ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		   fi ;;
		esac
		;;
	hcall)
		# [--list] NAME CALL [ARG...]: options first, then a live partition,
		# then one of the controller hcalls of 'lpar hcall --list'.
		local ops=0
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -* && $ops -eq 0 ]] || ((ops++))
		done
		if [[ $ops -eq 0 && $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts hcall)" -- "$cur")
		elif [[ $ops -eq 0 ]]; then
			_lpar_names "${COMP_WORDS[0]}" "$cur"
		elif [[ $ops -eq 1 ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_hcalls "${COMP_WORDS[0]}" controller)" -- "$cur")
		fi
		;;
	trace)
		# "-e hcall=a,b" arrives as -e, hcall, =, a,b.
		local class='' e=${COMP_WORDS[COMP_CWORD-2]}
		[[ ${COMP_WORDS[COMP_CWORD-1]} == = ]] && e=${COMP_WORDS[COMP_CWORD-3]}
		[[ $prev == hcall || $prev == exit || $prev == 9p ]] && [[ $e == -e || $e == --filter ]] &&
			class=$prev
		if [[ -n $class ]]; then
			# The last name of the list, after any ! and commas.
			local pre=${cur%"${cur##*,}"} names
			[[ -z $pre && $cur == !* ]] && pre=!
			if [[ $class == hcall ]]; then
				names="all none $(_lpar_hcalls "${COMP_WORDS[0]}" guest)"
			elif [[ $class == 9p ]]; then
				names="all none walk open create read write clunk remove getattr setattr readdir
					statfs fsync mkdir symlink mknod link unlinkat renameat rename readlink
					flush version attach xattrwalk xattrcreate unknown"
			else
				names="all none io hlt fault debug"
			fi
			mapfile -t COMPREPLY < <(compgen -P "$pre" -W "$names" -- "${cur#"$pre"}")
			return 0
		fi
		case $prev in
		-e|--filter)
			compopt -o nospace 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -W "hcall= exit= 9p= 9p" -- "$cur")
			return 0 ;;
		-o|--output)
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0 ;;
		esac
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts trace)" -- "$cur")
		else
			_lpar_names "${COMP_WORDS[0]}" "$cur"
		fi
		;;
	start|console|pause|resume|kill|stop|status|wait|rm|logs)
		# Options come before the names; console takes one name.
		local nopts=0 ddash=''
		for ((i = ci + 1; i < COMP_CWORD; i++)); do
			w=${COMP_WORDS[i]}
			case $w in
			--) ddash=1; break ;;
			--timeout|-t|--tail)
				if [[ $cmd == stop || $w == --tail ]]; then
					[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
					((i++))
				fi ;;
			-*) ;;
			*) ((nopts++)) ;;
			esac
		done
		[[ $cmd == stop && ($prev == --timeout || $prev == -t) ]] && return 0
		[[ $cmd == logs && $prev == --tail ]] && return 0
		if [[ -z $ddash && $nopts -eq 0 && $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts "$cmd")" -- "$cur")
			return 0
		fi
		[[ $cmd == console && $nopts -gt 0 ]] && return 0
		case $cmd in
		status|wait|rm|logs) _lpar_names "${COMP_WORDS[0]}" "$cur" -a ;;
		*)              _lpar_names "${COMP_WORDS[0]}" "$cur" ;;
		esac
		;;
	help)
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts help)" -- "$cur")
		elif ((COMP_CWORD == ci + 1)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmds "${COMP_WORDS[0]}")" -- "$cur")
		fi
		;;
	*)
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(_lpar_cmd_opts "$cmd")" -- "$cur")
		fi
		;;
	esac
	return 0
}

complete -F _lpar lpar
