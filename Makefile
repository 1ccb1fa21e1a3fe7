# SPDX-License-Identifier: ISC
# lpar: build, test, benchmark and install.  See README.md.
#
#   make          build lpar, lpar-cc, the partition SDK and the examples
#   make run      install missing Debian packages, build, run examples/hello.elf
#   make check    install what the tests need, build, run every test
#   make check-kvm-vm  the partition suites on ordinary KVM, in a QEMU guest
#   make check-asan    the tests on an ASan+UBSan build (build-asan/)
#   make fuzz FUZZ_SECONDS=N  each libFuzzer harness for N seconds (docs/fuzzing.md)
#   make bench    print the benchmark ratios
#   make install  PREFIX=/usr/local DESTDIR= (also lpar.pc for pkg-config)
#   make dist     lpar-VERSION.tar.gz of what is committed (HEAD)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SDKDIR  ?= $(PREFIX)/lib/lpar
LIBEXECDIR ?= $(PREFIX)/libexec/lpar
MANDIR  ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(PREFIX)/lib/pkgconfig
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/vendor-completions

# CPPFLAGS, CFLAGS and LDFLAGS from the environment or the command line
# reach every host compile and link (dpkg-buildflags' hardening too);
# WERROR=1 (the project's CI and its developers) makes warnings errors.
CC      ?= cc
CFLAGS  ?= -O2 -g
WERROR  ?=
WARN    := -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
	   -Wformat=2 $(if $(filter 1,$(WERROR)),-Werror)
# lpar needs libelf, and libseccomp for the monitor's sandbox; its TCG
# backend loads Unicorn and capstone when it runs (so only their headers
# are needed to build it).  The debugger (lpar-debug) needs capstone and
# libdw.
PKGS    := libelf libseccomp
DEBUG_PKGS := capstone libdw
HOST_CPPFLAGS = -Iinclude -D_GNU_SOURCE $(shell pkg-config --cflags $(PKGS) $(DEBUG_PKGS) unicorn) $(CPPFLAGS)
HOST_LIBS     = $(shell pkg-config --libs $(PKGS)) -lpthread
DEBUG_LIBS    = $(shell pkg-config --libs $(DEBUG_PKGS)) -lreadline
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

B := build
SDK := $(B)/sdk
# The lpar program; make check-asan builds a sanitized one in its own $(B).
LPAR_BIN := lpar

# Four libraries, one per layer: base (common/, elf/, 9P's wire format),
# the client library (libpart/ and the 9P client: what talks to a
# partition), the monitor (hv/ with every backend, which lpar picks at run
# time with --accel, and the 9P server) and the debugger (debug/).  lpar
# links all but the debugger; lpar-debug links no monitor code.
BASE_SRCS   := $(wildcard common/*.c) $(wildcard elf/*.c) p9/codec.c
CLIENT_SRCS := $(wildcard libpart/*.c) p9/client.c
HV_SRCS     := $(wildcard hv/*.c) hv/stubs.S hv/los_blob.S p9/server.c p9/tree.c p9/hostfs.c
objs = $(patsubst %,$(B)/%.o,$(basename $(1)))
DEBUG_OBJS := $(patsubst %.c,$(B)/%.o,$(wildcard debug/*.c))
LIBS_ALL   := $(B)/liblpardebug.a $(B)/liblparclient.a $(B)/liblparhv.a $(B)/liblparbase.a
# cmd/ builds two programs from one command table: lpar, which hands the
# debugger commands to lpar-debug (an exec), and lpar-debug, which runs them
# and links the table's text only (cmds-text.o: no handlers, so no command
# it does not run).
LPAR_ONLY  := cmd/main.c cmd/debugger_exec.c
DEBUG_ONLY := cmd/debugger.c cmd/debugger_main.c
CMD_SRCS  := $(filter-out $(LPAR_ONLY) $(DEBUG_ONLY),$(wildcard cmd/*.c))
CMD_OBJS  := $(patsubst %.c,$(B)/%.o,$(CMD_SRCS))

GUEST_SRCS := guest/lpar.c guest/ring.c
GUEST_OBJS := $(patsubst %.c,$(B)/%.o,$(GUEST_SRCS))
GUEST_CFLAGS := -O2 -g $(WARN) -Wno-missing-prototypes
SDK_HDRS := $(SDK)/include/lpar.h $(SDK)/include/lpar/hcall.h $(SDK)/include/lpar/boot.h \
	    $(SDK)/include/lpar/ring.h $(SDK)/include/lpar/fs.h
SDK_LIBS := $(SDK)/lib/liblpar.a

# The library OS: freestanding, general registers only (a syscall keeps
# the caller's SSE state), no stack protector (it runs before the TLS).
LOS_SRCS := guest/los/entry.S $(filter-out guest/los/vdso.c,$(wildcard guest/los/*.c)) guest/ring.c
LOS_OBJS := $(patsubst %,$(B)/los/%.o,$(basename $(notdir $(LOS_SRCS))))
# Its vDSO: the clock, position-independent, for musl's clock_gettime.
VDSO_OBJS := $(B)/los/vdso.pic.o $(B)/los/clock.pic.o
LOS_CFLAGS := -O2 -g $(WARN) -D_GNU_SOURCE -ffreestanding -fno-pie -fno-stack-protector \
	      -mgeneral-regs-only -fno-asynchronous-unwind-tables -nostdinc \
	      -isystem include -isystem guest/include -isystem /usr/include/x86_64-linux-musl \
	      -isystem $(shell $(CC) -print-file-name=include)

EXAMPLES := $(patsubst %.c,%.elf,$(wildcard examples/*.c))
BENCH_GUESTS := $(patsubst %.c,%.elf,$(wildcard bench/guest-*.c))
BENCH_TOOLS  := $(patsubst bench/%.c,$(B)/bench/%,$(filter-out bench/guest-%,$(wildcard bench/*.c)))
UNIT_TESTS   := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/test_*.c))
TEST_GUESTS  := $(patsubst %.c,%.elf,$(wildcard tests/guests/*.c))
TEST_TOOLS   := $(patsubst tests/tools/%.c,$(B)/tests/tools/%,$(wildcard tests/tools/*.c))
# Ordinary C programs, built as Linux builds them and with lpar-cc
# (tests/libc.bats; tests/files/ for tests/shares.bats and bench/files).
LIBC_TESTS   := $(foreach t,$(basename $(wildcard tests/libc/*.c tests/files/*.c)),$(t).native $(t).elf)

.PHONY: all run check check-kvm-vm bench install uninstall clean deps deps-test unit dist
all: $(LPAR_BIN) $(B)/lpar-debug lpar-cc $(SDK_HDRS) $(SDK_LIBS) $(EXAMPLES)

# ---- the lpar binary -------------------------------------------------------
$(B)/liblparbase.a: $(call objs,$(BASE_SRCS))
$(B)/liblparclient.a: $(call objs,$(CLIENT_SRCS))
$(B)/liblparhv.a: $(call objs,$(HV_SRCS))
$(B)/liblpardebug.a: $(DEBUG_OBJS)
$(B)/liblparcmd.a: $(filter-out $(B)/cmd/cmds.o,$(CMD_OBJS))
$(B)/liblpar%.a:
	@rm -f $@
	$(AR) rcs $@ $^

$(LPAR_BIN): $(CMD_OBJS) $(patsubst %.c,$(B)/%.o,$(LPAR_ONLY)) $(B)/liblparclient.a $(B)/liblparhv.a \
		$(B)/liblparbase.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/lpar-debug: $(patsubst %.c,$(B)/%.o,$(DEBUG_ONLY)) $(B)/cmd/cmds-text.o $(B)/liblparcmd.a \
		$(B)/liblpardebug.a $(B)/liblparclient.a $(B)/liblparbase.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(DEBUG_LIBS) $(HOST_LIBS)

$(B)/cmd/cmds-text.o: cmd/cmds.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) -DCMDS_TEXT_ONLY $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

$(B)/cmd/version.o: VERSION
$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) -DLPAR_VERSION='"$(VERSION)"' $(CFLAGS) $(WARN) -MMD -MP -c -o $@ $<

# Linux's syscall names, for lpar trace's view of what the library OS lacks.
SYSCALL_HDR := /usr/include/x86_64-linux-gnu/asm/unistd_64.h
$(B)/hv/syscall_names.h: $(SYSCALL_HDR)
	@mkdir -p $(dir $@)
	sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' $< > $@
$(B)/hv/los.o: $(B)/hv/syscall_names.h
$(B)/hv/los.o: HOST_CPPFLAGS += -I$(B)/hv

$(B)/hv/stubs.o: hv/stubs.S hv/x86.h
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) -c -o $@ $<

# ---- the library OS, carried inside lpar -----------------------------------
$(B)/los/%.o: guest/los/%.c $(wildcard guest/los/*.h) guest/include/lpar.h $(wildcard include/lpar/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(LOS_CFLAGS) -c -o $@ $<
$(B)/los/ring.o: guest/ring.c guest/include/lpar.h $(wildcard include/lpar/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(LOS_CFLAGS) -c -o $@ $<
$(B)/los/%.pic.o: guest/los/%.c guest/los/clock.h guest/include/lpar.h $(wildcard include/lpar/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(LOS_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<
$(B)/los/vdso.so: $(VDSO_OBJS) guest/los/vdso.ld
	$(CC) -nostdlib -shared -fPIC -Wl,-T,guest/los/vdso.ld -Wl,--hash-style=sysv \
		-Wl,-soname,linux-vdso.so.1 -Wl,--build-id=none -Wl,-z,noexecstack -o $@ $(VDSO_OBJS)
	@test $$(stat -c %s $@) -le 32768 || { echo "$@ is larger than 32 KiB" >&2; exit 1; }
$(B)/los/entry.o: guest/los/entry.S include/lpar/boot.h
	@mkdir -p $(dir $@)
	$(CC) $(LOS_CFLAGS) -c -o $@ $<
$(B)/los/los.elf: $(LOS_OBJS) guest/los/los.ld
	$(CC) -nostdlib -static -Wl,-T,guest/los/los.ld -Wl,--build-id=none \
		-Wl,-z,noexecstack -o $@ $(LOS_OBJS)
$(B)/hv/los_blob.o: hv/los_blob.S $(B)/los/los.elf $(B)/los/vdso.so
	@mkdir -p $(dir $@)
	$(CC) -DLOS_ELF='"$(B)/los/los.elf"' -DLOS_VDSO='"$(B)/los/vdso.so"' -c -o $@ $<

# ---- the partition SDK and lpar-cc -----------------------------------------
$(SDK)/include/lpar.h: guest/include/lpar.h
	@mkdir -p $(dir $@)
	cp $< $@
$(SDK)/include/lpar/%.h: include/lpar/%.h
	@mkdir -p $(dir $@)
	cp $< $@
$(B)/guest/%.o: guest/%.c $(SDK_HDRS) lpar-cc
	@mkdir -p $(dir $@)
	./lpar-cc $(GUEST_CFLAGS) -c -o $@ $<
$(SDK)/lib/liblpar.a: $(GUEST_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

lpar-cc: guest/lpar-cc.in
	sed 's|@SDK@|$(CURDIR)/$(SDK)|' $< > $@
	chmod +x $@

# Partition images, built the way users build theirs.
%.elf: %.c lpar-cc $(SDK_HDRS) $(SDK_LIBS)
	./lpar-cc $(GUEST_CFLAGS) -o $@ $<

# ---- tests -----------------------------------------------------------------
deps:
	tools/deps build
deps-test:
	tools/deps build test

$(B)/tests/unit/%: tests/unit/%.c $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes $(LDFLAGS) -o $@ $^ \
		$(DEBUG_LIBS) $(HOST_LIBS) -lcmocka

unit: $(UNIT_TESTS)

# Helpers the bats tests use (for example, writing malformed ELF files).
$(B)/tests/tools/%: tests/tools/%.c $(LIBS_ALL)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CPPFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes $(LDFLAGS) -o $@ $< \
		$(LIBS_ALL) $(DEBUG_LIBS) $(HOST_LIBS)

tests/guests/%.elf: tests/guests/%.c lpar-cc $(SDK_HDRS) $(SDK_LIBS)
	./lpar-cc $(GUEST_CFLAGS) -o $@ $<

$(filter %.native,$(LIBC_TESTS)): %.native: %.c
	musl-gcc -static -no-pie -O2 -o $@ $<
$(filter %.elf,$(LIBC_TESTS)): %.elf: %.c lpar-cc $(SDK_HDRS) $(SDK_LIBS)
	./lpar-cc -O2 -o $@ $<
$(filter tests/libc/%,$(LIBC_TESTS)): tests/libc/gen.h
$(filter tests/files/%,$(LIBC_TESTS)): $(wildcard tests/files/*.h)

# The README's test command: installs what it needs, then runs everything.
check:
	tools/deps build test
	$(MAKE) all unit $(TEST_GUESTS) $(TEST_TOOLS) $(BENCH_GUESTS) $(LIBC_TESTS)
	tests/run

# Every partition suite on the KVM backend in a Debian 12 guest under
# QEMU's TCG with nested SVM (tests/kvm-vm): ordinary KVM on any host.
check-kvm-vm:
	tools/deps build test vm
	$(MAKE) all $(TEST_GUESTS) $(TEST_TOOLS) $(BENCH_GUESTS) $(LIBC_TESTS)
	tests/kvm-vm/check

# ---- sanitizers -------------------------------------------------------------
# make check-asan: lpar, lpar-debug, the unit tests and tests/tools built
# with ASan and UBSan in build-asan/ (never mixed with build/), then the
# suites run on them (tests/asan).  Partition images (examples, test
# guests, the library OS) are built as always: only host code is sanitized.
ASAN_B     := build-asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# UBSan's own runtime linked in: gcc's shared one, beside ASan's, writes its
# reports to stderr whatever UBSAN_OPTIONS's log_path says (tests/asan).
ASAN_LINK  := -static-libubsan
# Suites to run (tests/NAME.bats ...; the unit tests always run): all by default.
ASAN_SUITES ?=
.PHONY: check-asan host-progs
host-progs: $(LPAR_BIN) $(B)/lpar-debug $(UNIT_TESTS) $(TEST_TOOLS)
check-asan:
	tools/deps build test
	$(MAKE) all $(TEST_GUESTS) $(BENCH_GUESTS) $(LIBC_TESTS)
	$(MAKE) B=$(ASAN_B) LPAR_BIN=$(ASAN_B)/lpar CFLAGS='-O2 -g $(ASAN_FLAGS) $(ASAN_LINK)' host-progs
	tests/asan $(ASAN_SUITES)

run:
	tools/deps build
	$(MAKE) all
	./lpar run examples/hello.elf

# ---- benchmarks ------------------------------------------------------------
$(B)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g $(WARN) -Wno-missing-prototypes -Iinclude -o $@ $<

bench: all $(BENCH_GUESTS) $(BENCH_TOOLS) $(B)/tests/tools/memread \
		tests/files/readbig.native tests/files/statmany.native
	bench/run

# ---- fuzzing ---------------------------------------------------------------
# libFuzzer harnesses (tests/fuzz/fuzz_*.c, docs/fuzzing.md), built with
# clang, AddressSanitizer and UBSan into $(FZ) from the project's own sources
# (the monitor on tests/fuzz/fake_backend.c instead of KVM and TCG).
# make fuzz FUZZ_SECONDS=N runs each for N seconds on a scratch copy of its
# seed corpus (tests/fuzz/corpus/NAME) and fails on the first finding.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FZ := $(B)/fuzz
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_IMAGE  := tests/guests/ringcons.elf
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out tests/fuzz/fuzz_hv.c,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS   := $(patsubst %,$(FZ)/fuzz_%,$(FUZZ_NAMES))
FUZZ_HV_SRCS := $(filter-out hv/backend.c hv/kvm.c hv/tcg.c %.S,$(HV_SRCS))
FUZZ_LIBS   := $(FZ)/liblpardebug.a $(FZ)/liblparclient.a $(FZ)/liblparhv.a $(FZ)/liblparbase.a
# The harnesses that run a partition: the fake backend and a test guest.
FUZZ_HV_OBJS := $(FZ)/tests/fuzz/fuzz_hv.o $(FZ)/tests/fuzz/fake_backend.o \
		$(B)/hv/stubs.o $(B)/hv/los_blob.o

$(FZ)/liblparbase.a: $(patsubst %.c,$(FZ)/%.o,$(BASE_SRCS))
$(FZ)/liblparclient.a: $(patsubst %.c,$(FZ)/%.o,$(CLIENT_SRCS))
$(FZ)/liblparhv.a: $(patsubst %.c,$(FZ)/%.o,$(FUZZ_HV_SRCS))
$(FZ)/liblpardebug.a: $(patsubst %.c,$(FZ)/%.o,$(wildcard debug/*.c))
$(FZ)/liblpar%.a:
	@rm -f $@
	$(AR) rcs $@ $^

$(FZ)/hv/los.o: $(B)/hv/syscall_names.h
$(FZ)/hv/los.o: HOST_CPPFLAGS += -I$(B)/hv
# The project's sources: warnings shown, not fatal (the build with cc keeps them at zero).
$(FZ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(HOST_CPPFLAGS) -DLPAR_VERSION='"$(VERSION)"' $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link $(filter-out -Werror,$(WARN)) -MMD -MP -c -o $@ $<
$(FZ)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(HOST_CPPFLAGS) -DFUZZ_IMAGE='"$(CURDIR)/$(FUZZ_IMAGE)"' $(FUZZ_CFLAGS) \
		-fsanitize=fuzzer-no-link $(WARN) -Wno-missing-prototypes -MMD -MP -c -o $@ $<

$(FZ)/fuzz_ctltree $(FZ)/fuzz_hcall $(FZ)/fuzz_ring: $(FUZZ_HV_OBJS) | $(FUZZ_IMAGE)
$(FZ)/fuzz_gdbstub: $(FZ)/tests/fuzz/fake_target.o
$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FUZZ_LIBS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(FUZZ_LIBS) \
		$(DEBUG_LIBS) $(HOST_LIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)
fuzz:
	tools/deps build fuzz
	$(MAKE) fuzz-build
	tools/fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

# ---- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SDKDIR)/lib $(DESTDIR)$(SDKDIR)/include/lpar \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 lpar $(DESTDIR)$(BINDIR)/lpar
	install -m 755 $(B)/lpar-debug $(DESTDIR)$(LIBEXECDIR)/lpar-debug
	sed 's|@SDK@|$(SDKDIR)|' guest/lpar-cc.in > $(DESTDIR)$(BINDIR)/lpar-cc
	chmod 755 $(DESTDIR)$(BINDIR)/lpar-cc
	install -m 644 $(SDK_LIBS) $(DESTDIR)$(SDKDIR)/lib/
	install -m 644 $(SDK)/include/lpar.h $(DESTDIR)$(SDKDIR)/include/
	install -m 644 $(SDK)/include/lpar/*.h $(DESTDIR)$(SDKDIR)/include/lpar/
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(wildcard man/*.7) $(DESTDIR)$(MANDIR)/man7/
	install -m 644 completions/lpar.bash $(DESTDIR)$(BASHCOMPDIR)/lpar
	install -m 644 completions/_lpar $(DESTDIR)$(ZSHCOMPDIR)/_lpar
	install -d $(DESTDIR)$(PKGCONFIGDIR)
	sed -e 's|@SDK@|$(SDKDIR)|' -e 's|@BINDIR@|$(BINDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		guest/lpar.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/lpar.pc

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lpar $(DESTDIR)$(BINDIR)/lpar-cc $(DESTDIR)$(LIBEXECDIR)/lpar-debug \
		$(DESTDIR)$(BASHCOMPDIR)/lpar $(DESTDIR)$(ZSHCOMPDIR)/_lpar $(DESTDIR)$(PKGCONFIGDIR)/lpar.pc
	rm -rf $(DESTDIR)$(SDKDIR)
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(wildcard man/*.1)) \
		$(patsubst man/%,$(DESTDIR)$(MANDIR)/man7/%,$(wildcard man/*.7))

# A versioned source tarball of what is committed (HEAD), for packagers.
dist:
	git archive --format=tar.gz --prefix=lpar-$(VERSION)/ -o lpar-$(VERSION).tar.gz HEAD
	@echo lpar-$(VERSION).tar.gz

clean:
	rm -rf $(B) $(ASAN_B) lpar lpar-cc examples/*.elf \
		bench/*.elf tests/guests/*.elf tests/libc/*.elf tests/libc/*.native \
		tests/files/*.elf tests/files/*.native

-include $(shell find $(B) -name '*.d' 2>/dev/null)
