#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The command table, 'lpar help', 'lpar CMD --help', the man pages and the
# shell completions describe the same commands and options (bpftool keeps
# such a test).  Needs groff (Debian: groff-base) to render the man pages.

load test_helper/common

MAN=$ROOT/man
BASHCOMP=$ROOT/completions/lpar.bash
ZSHCOMP=$ROOT/completions/_lpar

# Man pages in man/ that are not 'lpar' commands.
NOT_COMMANDS="cc"

setup() {
	run lpar --list-cmds
	assert_success
	[ -n "$output" ] || fail "'lpar --list-cmds' printed no commands"
	CMDS=$output
}

# Partitions a test started in its own run directory ($SYNC_RUNDIR) are
# killed and removed even when it fails.
teardown() {
	[ -n "${SYNC_RUNDIR:-}" ] || return 0
	LPAR_RUNDIR=$SYNC_RUNDIR lpar list -a --names 2>/dev/null |
		LPAR_RUNDIR=$SYNC_RUNDIR xargs -r lpar rm -f >/dev/null 2>&1 || true
}

require_groff() {
	command -v groff >/dev/null ||
		fail "groff is missing: the man page checks need it (Debian: apt-get install groff-base; tools/deps should list it)"
}

# render PAGE: the page as plain text, on lines long enough not to wrap.
render() {
	groff -man -Tascii -rLL=250n -P-cbou "$1" 2>/dev/null
}

# section NAME: the lines of one section of rendered text on stdin.
section() {
	awk -v want="$1" '
		/^[A-Z][A-Z0-9 ]*$/ { on = ($0 == want); next }
		on { sub(/^[ \t]+/, ""); print }'
}

# long_opts TEXT: the --long options mentioned in TEXT, one a line.
long_opts() {
	printf '%s\n' "$1" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# zsh_offers TEXT OPT: an _arguments spec in TEXT offers OPT ("--mem=",
# "{-h,--help}", "'--x[..."), not only excludes it ("(-j --json)").
zsh_offers() {
	printf '%s\n' "$1" | grep -qE -- "$2([=+}]|\[)"
}

# zsh_main: the _lpar function of completions/_lpar (the global options).
zsh_main() {
	awk '/^_lpar\(\) \{/ { on = 1 } on { print } on && /^\}/ { exit }' "$ZSHCOMP"
}

# zsh_branch CMD: the branch of the command case in completions/_lpar.
zsh_branch() {
	awk -v cmd="$1" '
		$0 ~ "^[ \t]*" cmd "\\)[ \t]*$" { on = 1; next }
		on && /^[ \t]*;;/ { exit }
		on { print }' "$ZSHCOMP"
}

@test "lpar --list-cmds lists the commands of 'lpar help'" {
	run lpar help
	assert_success
	for c in $CMDS; do
		printf '%s\n' "$output" | grep -qE "^  $c +[a-z]" ||
			fail "'lpar help' does not list '$c'"
	done
}

@test "lpar help CMD prints exactly what lpar CMD --help and -h print" {
	for c in $CMDS; do
		run lpar help "$c"
		assert_success
		local want=$output
		[[ $want == "usage: lpar $c"* ]] ||
			fail "'lpar help $c' does not start with its usage line: $want"
		run lpar "$c" --help
		assert_success
		assert_output "$want"
		run lpar "$c" -h
		assert_success
		assert_output "$want"
	done
}

@test "every command has a man page whose SYNOPSIS holds its usage line" {
	require_groff
	for c in $CMDS; do
		local page=$MAN/lpar-$c.1
		[ -f "$page" ] || fail "man/lpar-$c.1 is missing"
		run lpar help "$c"
		assert_success
		# The usage: the first line without "usage: ", and any further
		# lines up to the first blank one (one form per line).
		local synopsis
		synopsis=$(printf '%s\n' "$output" |
			awk 'NR == 1 { sub(/^usage: /, ""); print; next }
			     /^$/ { exit } { sub(/^[ \t]+/, ""); print }')
		local mansyn
		mansyn=$(render "$page" | section SYNOPSIS)
		[ -n "$mansyn" ] || fail "man/lpar-$c.1 has no SYNOPSIS section"
		while IFS= read -r line; do
			printf '%s\n' "$mansyn" | grep -qxF -- "$line" ||
				fail "SYNOPSIS of man/lpar-$c.1 lacks '$line'; it has: $mansyn"
		done <<<"$synopsis"
	done
}

@test "every long option in a command's help is in its man page and both completions" {
	require_groff
	local n=0
	for c in $CMDS; do
		run lpar help "$c"
		assert_success
		local opts text
		opts=$(long_opts "$output")
		text=$(render "$MAN/lpar-$c.1")
		# Sourced in a subshell so the test's own shell stays clean.
		local bashopts
		bashopts=$(bash -c 'source "$1" && _lpar_cmd_opts "$2"' _ "$BASHCOMP" "$c") ||
			fail "completions/lpar.bash has no options entry for '$c'"
		local zshopts
		zshopts=$(zsh_branch "$c")
		[ -n "$zshopts" ] || fail "completions/_lpar has no branch for '$c'"
		for o in $opts; do
			n=$((n + 1))
			printf '%s\n' "$text" | grep -qE -- "(^|[^[:alnum:]-])$o([^[:alnum:]-]|\$)" ||
				fail "man/lpar-$c.1 does not mention $o"
			printf ' %s \n' "$bashopts" | grep -qF -- " $o " ||
				fail "completions/lpar.bash offers no $o for '$c' (has: $bashopts)"
			zsh_offers "$zshopts" "$o" ||
				fail "completions/_lpar offers no $o for '$c'"
		done
	done
	# 'lpar run' has options; a parser that finds none is broken.
	[ "$n" -ge 3 ] || fail "found only $n long options in the commands' help"
}

@test "every global option is in lpar(1) and both completions" {
	require_groff
	run lpar --help
	assert_success
	local opts text
	opts=$(long_opts "$(printf '%s\n' "$output" | sed -n '/^global options:/,$p')")
	[ -n "$opts" ] || fail "'lpar --help' lists no global options"
	text=$(render "$MAN/lpar.1")
	local bashopts zshmain
	bashopts=$(bash -c 'source "$1" && echo "$_lpar_global_opts"' _ "$BASHCOMP")
	zshmain=$(zsh_main)
	[ -n "$zshmain" ] || fail "completions/_lpar has no _lpar function"
	for o in $opts; do
		printf '%s\n' "$text" | grep -qE -- "(^|[^[:alnum:]-])$o([^[:alnum:]-]|\$)" ||
			fail "man/lpar.1 does not mention $o"
		printf ' %s \n' "$bashopts" | grep -qF -- " $o " ||
			fail "completions/lpar.bash does not offer $o (has: $bashopts)"
		zsh_offers "$zshmain" "$o" || fail "completions/_lpar does not offer $o"
	done
}

@test "every command is in lpar(1) and both completions" {
	require_groff
	local text
	text=$(render "$MAN/lpar.1")
	for c in $CMDS; do
		printf '%s\n' "$text" | section COMMANDS | grep -qE "^$c([[:space:]]|\$)" ||
			fail "the COMMANDS section of man/lpar.1 does not list '$c'"
		printf '%s\n' "$text" | grep -qF "lpar-$c(1)" ||
			fail "man/lpar.1 does not refer to lpar-$c(1)"
		bash -c 'source "$1" && _lpar_cmd_opts "$2" >/dev/null' _ "$BASHCOMP" "$c" ||
			fail "completions/lpar.bash has no entry for '$c'"
		zsh_branch "$c" | grep -q . || fail "completions/_lpar has no branch for '$c'"
		grep -qE "^[[:space:]]*$c ['\"]" "$ZSHCOMP" ||
			fail "completions/_lpar has no description for '$c'"
	done
}

@test "no man page describes a command that does not exist" {
	local page name
	for page in "$MAN"/lpar-*.1; do
		[ -e "$page" ] || fail "no man/lpar-*.1 pages at all"
		name=${page##*/lpar-}
		name=${name%.1}
		case " $NOT_COMMANDS " in *" $name "*) continue ;; esac
		printf '%s\n' "$CMDS" | grep -qxF -- "$name" ||
			fail "man/lpar-$name.1 describes '$name', which 'lpar --list-cmds' does not list"
	done
}

@test "man pages render without groff warnings" {
	require_groff
	local page n=0
	for page in "$MAN"/*.[1-8]; do
		[ -e "$page" ] || continue
		n=$((n + 1))
		run groff -man -Tutf8 -ww -z "$page"
		assert_success
		[ -z "$output" ] || fail "groff warns about ${page#"$ROOT"/}: $output"
	done
	[ "$n" -ge 6 ] || fail "expected at least 6 man pages, found $n"
}

# complete WORD...: runs the bash completion for the words, the last being
# the one under the cursor; leaves the candidates in $output, one a line.
complete_bash() {
	run bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_lpar || exit 1
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHCOMP" "$@"
	assert_success
}

@test "bash completion completes commands and options" {
	complete_bash lpar ru
	assert_output run
	complete_bash lpar r
	assert_line run
	assert_line resume
	assert_line rm
	complete_bash lpar run --de
	assert_line --detach
	assert_line --debug
	complete_bash lpar stop --t
	assert_output --timeout
	complete_bash lpar run --m
	assert_output --mem
	complete_bash lpar v
	assert_output version
	complete_bash lpar --js
	assert_output --json
	complete_bash lpar help ver
	assert_output version
	complete_bash lpar run --mem 64M --na
	assert_output --name
}

@test "bash completion offers *.elf images for lpar run, then stops offering options" {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p imgs/sub
	touch imgs/app.elf imgs/app.c imgs/other.elf
	complete_bash lpar run imgs/a
	assert_output imgs/app.elf
	complete_bash lpar run --mem 1G imgs/
	assert_line imgs/app.elf
	assert_line imgs/other.elf
	assert_line imgs/sub
	refute_line imgs/app.c
	# After the image, words belong to the partition: no lpar options.
	complete_bash lpar run imgs/app.elf --m
	refute_output --partial --mem
}

@test "bash completion offers the partitions of 'lpar list --names' for lpar console" {
	SYNC_RUNDIR=$BATS_TEST_TMPDIR/run
	export LPAR_RUNDIR=$SYNC_RUNDIR
	run lpar run -d --name sync-web1 "$EX/sleep.elf" 600000
	assert_success
	assert_output sync-web1
	run lpar run -d --name sync-web2 "$EX/sleep.elf" 600000
	assert_success
	# One that has ended: for rm, not for console.
	run lpar run -d --name sync-done "$EX/exitcode.elf" 0
	assert_success
	run lpar wait sync-done
	assert_success
	run lpar list --names
	assert_success
	assert_output "$(printf 'sync-web1\nsync-web2')"
	local pids
	pids=$(lpar -j list | jq -r '.[].pid')
	[ "$(printf '%s\n' "$pids" | wc -l)" -eq 2 ] || fail "expected two monitors, got: $pids"

	complete_bash lpar console ''
	assert_line sync-web1
	assert_line sync-web2
	refute_line sync-done
	[ "${#lines[@]}" -eq 2 ] || fail "lpar console offers more than the live partitions: $output"
	complete_bash lpar console sync-web2
	assert_output sync-web2
	# console takes one name; rm offers the ended partition too.
	complete_bash lpar console sync-web1 ''
	assert_output ''
	complete_bash lpar rm sync-d
	assert_output sync-done

	run lpar kill sync-web1 sync-web2
	assert_success
	run lpar rm sync-web1 sync-web2 sync-done
	assert_success
	run lpar list -a --names
	assert_success
	assert_output ''
	local pid
	for pid in $pids; do
		within 5 dead "$pid" || fail "monitor $pid still runs after lpar kill"
	done
}
