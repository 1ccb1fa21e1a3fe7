#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
load test_helper/common
# The partition SDK: lpar-cc builds a user's own app outside the tree, it
# fails clearly without an SDK, and 'make install' installs everything that
# lets an installed lpar-cc build an app that the installed lpar runs.

bats_require_minimum_version 1.5.0

setup_file() {
	# The tests share one installation, made by the first that needs it.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# app.c: a user's program using printf, argv, the boot info and an exit status.
write_app() {
	cat >app.c <<'EOF'
#include <lpar.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hi %s from '%s'\n", argc > 1 ? argv[1] : "nobody",
	       (const char *)(uintptr_t)lpar_boot->name);
	return 5;
}
EOF
}

# The app built from app.c, run with lpar ($1, default the tree's).
assert_app_runs() {
	local lpar=${2:-lpar}

	run --separate-stderr "$lpar" run --name mine "$1" world
	assert_failure 5
	assert_output "hi world from 'mine'"
	assert_stderr ""
}

DEST=
# Installs into $BATS_FILE_TMPDIR/root once; sets DEST.
install_once() {
	DEST=$BATS_FILE_TMPDIR/root
	if [ ! -e "$BATS_FILE_TMPDIR/installed" ]; then
		run make -C "$ROOT" install DESTDIR="$DEST" PREFIX=/usr
		assert_success
		: >"$BATS_FILE_TMPDIR/installed"
	fi
}

@test "lpar-cc compiles and links an app in one step" {
	write_app
	run --separate-stderr lpar-cc -O2 -Wall -Wextra -o app.elf app.c
	assert_success
	assert_stderr ""
	assert_app_runs app.elf
}

@test "lpar-cc compiles with -c, then links the objects" {
	cat >main.c <<'EOF'
#include <stdio.h>

int twice(int);

int main(void)
{
	printf("twice 21 is %d\n", twice(21));
	return twice(3);
}
EOF
	cat >twice.c <<'EOF'
int twice(int x);
int twice(int x) { return 2 * x; }
EOF
	run --separate-stderr lpar-cc -O2 -Wall -c main.c twice.c
	assert_success
	assert_stderr ""
	[ -f main.o ] && [ -f twice.o ] || fail "no objects: $(ls)"
	[ ! -e a.out ] || fail "lpar-cc -c linked an a.out"
	run --separate-stderr lpar-cc -o prog.elf main.o twice.o
	assert_success
	run --separate-stderr lpar run prog.elf
	assert_failure 6
	assert_output "twice 21 is 42"
	assert_stderr ""
}

@test "lpar-cc makes a static ET_EXEC with no interpreter and no W+X segment" {
	write_app
	lpar-cc -o app.elf app.c
	run readelf -hlW app.elf
	assert_success
	assert_line --regexp '^ *Type: +EXEC '
	assert_line --regexp '^ *Machine: +Advanced Micro Devices X86-64$'
	assert_line --regexp '^ *LOAD '
	refute_line --regexp '^ *(INTERP|DYNAMIC) '
	refute_line --regexp '^ *LOAD .* RWE '
}

@test "lpar-cc with a compile error fails and leaves no image" {
	echo 'int main(void) { return nosuch; }' >bad.c
	run --separate-stderr lpar-cc -o bad.elf bad.c
	assert_failure
	assert_stderr --regexp "bad\.c:1:[0-9]+: error: .nosuch. undeclared"
	[ ! -e bad.elf ] || fail "bad.elf was written"
}

@test "lpar-cc without an SDK fails with a clear message" {
	write_app
	LPAR_SDK=/nonexistent run --separate-stderr lpar-cc -o app.elf app.c
	assert_failure 1
	assert_output ""
	assert_stderr "lpar-cc: no partition SDK in '/nonexistent' (set LPAR_SDK)"
	[ ! -e app.elf ] || fail "app.elf was written"
}

@test "make install puts lpar, lpar-cc, the SDK, man pages and completions in place" {
	install_once
	local f cmd

	[ -x "$DEST/usr/bin/lpar" ] || fail "no executable usr/bin/lpar"
	[ -x "$DEST/usr/bin/lpar-cc" ] || fail "no executable usr/bin/lpar-cc"
	for f in lib/liblpar.a include/lpar.h include/lpar/hcall.h include/lpar/boot.h \
		include/lpar/ring.h; do
		[ -s "$DEST/usr/lib/lpar/$f" ] || fail "SDK file usr/lib/lpar/$f is missing"
	done
	# Every page in man/, unchanged; at least lpar(1), lpar-cc(1), the
	# hcall ABI and one page per command ('man lpar-COMMAND').
	for f in "$ROOT"/man/*.[17]; do
		[ -f "$f" ] || fail "man/ has no pages"
		cmp "$f" "$DEST/usr/share/man/man${f##*.}/${f##*/}" || fail "${f##*/} not installed as is"
	done
	for f in man1/lpar.1 man1/lpar-cc.1 man7/lpar-hcall.7; do
		[ -s "$DEST/usr/share/man/$f" ] || fail "man page $f is missing"
	done
	for cmd in $(lpar --list-cmds); do
		[ -s "$DEST/usr/share/man/man1/lpar-$cmd.1" ] || fail "man page lpar-$cmd.1 is missing"
	done
	cmp "$ROOT/completions/lpar.bash" "$DEST/usr/share/bash-completion/completions/lpar"
	cmp "$ROOT/completions/_lpar" "$DEST/usr/share/zsh/vendor-completions/_lpar"
}

@test "the installed lpar and lpar-cc do not refer to the build tree" {
	install_once
	run grep -rlF "$ROOT" "$DEST/usr/bin/lpar-cc" "$DEST/usr/lib/lpar/include"
	assert_failure 1
	run --separate-stderr "$DEST/usr/bin/lpar" version
	assert_success
	assert_output --partial "$(cat "$ROOT/VERSION")"
}

@test "the installed lpar-cc looks for its SDK under PREFIX" {
	install_once
	write_app
	if [ -e /usr/lib/lpar ]; then
		# This machine has lpar installed: the installed lpar-cc uses it.
		run --separate-stderr env -u LPAR_SDK "$DEST/usr/bin/lpar-cc" -o app.elf app.c
		assert_success
	else
		run --separate-stderr env -u LPAR_SDK "$DEST/usr/bin/lpar-cc" -o app.elf app.c
		assert_failure 1
		assert_stderr "lpar-cc: no partition SDK in '/usr/lib/lpar' (set LPAR_SDK)"
	fi
}

@test "the installed lpar-cc builds an app that the installed lpar runs" {
	install_once
	write_app
	LPAR_SDK=$DEST/usr/lib/lpar run --separate-stderr "$DEST/usr/bin/lpar-cc" -O2 -o app.elf app.c
	assert_success
	assert_stderr ""
	assert_app_runs app.elf "$DEST/usr/bin/lpar"
}

@test "lpar-cc --print-sdk and the installed lpar.pc name the SDK; pkg-config gives its flags" {
	run --separate-stderr lpar-cc --print-sdk
	assert_success
	assert_output "$ROOT/build/sdk"
	install_once
	run --separate-stderr "$DEST/usr/bin/lpar-cc" --print-sdk
	assert_output /usr/lib/lpar
	export PKG_CONFIG_PATH=$DEST/usr/lib/pkgconfig
	run --separate-stderr pkg-config --variable=sdkdir lpar
	assert_output /usr/lib/lpar
	run --separate-stderr pkg-config --variable=lpar_cc lpar
	assert_output /usr/bin/lpar-cc
	assert_equal "$(pkg-config --cflags --libs lpar | xargs)" "-isystem /usr/lib/lpar/include -L/usr/lib/lpar/lib -llpar"
	run --separate-stderr pkg-config --modversion lpar
	assert_output "$(cat "$ROOT/VERSION")"
}

@test "make dist makes a versioned tarball of what is committed" {
	local v
	v=$(cat "$ROOT/VERSION")
	git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1 || skip "not a git checkout"
	git clone -q "$ROOT" src
	run make -C src dist
	assert_success
	assert_line "lpar-$v.tar.gz"
	run tar tzf "src/lpar-$v.tar.gz"
	assert_success
	assert_line "lpar-$v/LICENSE"
	assert_line "lpar-$v/Makefile"
	assert_line "lpar-$v/cmd/main.c"
	refute_line --regexp '\.elf$'
}

@test "the Makefile honours CPPFLAGS, CFLAGS and LDFLAGS; WERROR=1 makes warnings errors" {
	run make -C "$ROOT" -n -B "build/common/err.o" "build/tests/tools/mkelf" \
		CPPFLAGS=-DLPAR_TEST_CPP CFLAGS='-O1 -DLPAR_TEST_C' LDFLAGS=-Wl,--as-needed WERROR=
	assert_success
	assert_output --regexp 'err\.c' 
	assert_line --regexp '.*-DLPAR_TEST_C( |$).*-c -o build/common/err\.o.*'
	assert_line --regexp '.*-DLPAR_TEST_CPP .*-c -o build/common/err\.o.*'
	assert_line --regexp '.*-Wl,--as-needed .*-o build/tests/tools/mkelf.*'
	refute_output --partial -Werror
	run make -C "$ROOT" -n -B "build/common/err.o" WERROR=1
	assert_success
	assert_line --regexp '.*-Werror.*-c -o build/common/err\.o.*'
}

@test "make uninstall removes every installed file" {
	local dest=$BATS_TEST_TMPDIR/root

	run make -C "$ROOT" install DESTDIR="$dest" PREFIX=/usr
	assert_success
	[ -x "$dest/usr/bin/lpar" ] || fail "install did not install lpar"
	run make -C "$ROOT" uninstall DESTDIR="$dest" PREFIX=/usr
	assert_success
	run find "$dest" ! -type d
	assert_success
	assert_output ""
}
