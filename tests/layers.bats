#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The layers (cmd -> libpart -> 9P -> hv -> backends) as the files have
# them: what each directory may include, and what lpar-debug links.
# docs/design.md draws them.

load test_helper/common

# Lines of "FILE:N:#include ..." in DIRS that include a header under one of
# the directories in the pattern.
includes() {
	local pattern=$1
	shift
	(cd "$ROOT" && grep -nE "^#include \"(\.\./)?($pattern)/" "$@" /dev/null) || true
}

@test "no client file (cmd/, debug/) speaks 9P itself: libpart/part.h is the client library" {
	run includes p9 cmd/*.[ch] debug/*.[ch]
	assert_output ""
}

@test "debug/ includes nothing of the monitor" {
	run includes hv debug/*.[ch]
	assert_output ""
}

@test "cmd/ reaches the monitor only through hv/hv.h" {
	run bash -c "cd '$ROOT' && grep -nE '^#include \"\.\./hv/' cmd/*.[ch] | grep -v '\.\./hv/hv\.h\"'"
	assert_output ""
}

@test "libpart/ includes nothing of the monitor" {
	run includes hv libpart/*.[ch]
	assert_output ""
}

@test "the monitor (hv/, p9/) never calls up into a client layer" {
	run includes 'libpart|cmd|debug' hv/*.[ch] p9/*.[ch] common/*.[ch] elf/*.[ch]
	assert_output ""
}

@test "lpar-debug links no monitor code and no command it does not run" {
	[ -x "$BUILD/lpar-debug" ] || fail "$BUILD/lpar-debug is not built (make all)"
	command -v nm >/dev/null || skip "nm (binutils) is not installed"
	run bash -c "nm --defined-only '$BUILD/lpar-debug' | awk '{print \$3}' |
		grep -E '^(hv_|hvb_|p9_srv_|cmd_(run|create|mem|trace|hcall|list|console)\$)'"
	assert_output ""
	# The same check finds them in lpar, so it can fail.
	run bash -c "nm --defined-only '$LPAR_BIN' | awk '{print \$3}' | grep -cE '^(hv_create|cmd_run)\$'"
	assert_output 2
}
