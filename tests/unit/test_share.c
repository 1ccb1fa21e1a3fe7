/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for share specs and paths (libpart/share.c) and the share
 * lines of the status text (libpart/status.c).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../common/err.h"
#include "../../libpart/part.h"

struct clean_case {
	const char *in;
	int ret;
	const char *want; /* only when ret == 0 */
};

static void path_clean(void **state)
{
	static const struct clean_case c[] = {
		{ "/", 0, "/" },
		{ "//", 0, "/" },
		{ "/a//b/", 0, "/a/b" },
		{ "/./a/./b/.", 0, "/a/b" },
		{ "/a/b/..", 0, "/a" },
		{ "/a/../..", 0, "/" },
		{ "/../../x", 0, "/x" },
		{ "/a/..b/.c/...", 0, "/a/..b/.c/..." },
		{ "a/b", -EINVAL, NULL },
		{ "", -EINVAL, NULL },
		{ "./a", -EINVAL, NULL },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int r = part_path_clean(out, sizeof(out), c[i].in);

		if (r != c[i].ret)
			fail_msg("\"%s\": returned %d, want %d", c[i].in, r, c[i].ret);
		if (!r && strcmp(out, c[i].want))
			fail_msg("\"%s\": got \"%s\", want \"%s\"", c[i].in, out, c[i].want);
	}
}

static void path_clean_length(void **state)
{
	char out[8];

	(void)state;
	/* Seven bytes and the NUL fit; eight do not, however they are spelled. */
	assert_int_equal(part_path_clean(out, sizeof(out), "/abcdef"), 0);
	assert_string_equal(out, "/abcdef");
	assert_int_equal(part_path_clean(out, sizeof(out), "/abcdefg"), -ENAMETOOLONG);
	assert_int_equal(part_path_clean(out, sizeof(out), "//ab/./de/xyzw/.."), 0);
	assert_string_equal(out, "/ab/de");
	assert_int_equal(part_path_clean(out, 1, "/"), -ENAMETOOLONG);
}

static void path_absolute(void **state)
{
	char cwd[PATH_MAX], want[PATH_MAX + 8], out[PATH_MAX];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(part_path_absolute(out, sizeof(out), "x/./y/"), 0);
	snprintf(want, sizeof(want), "%s/x/y", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(out, want);
	assert_int_equal(part_path_absolute(out, sizeof(out), "/p/../q"), 0);
	assert_string_equal(out, "/q");
}

struct spec_case {
	const char *spec;
	int ret;
	const char *host, *guest, *aname; /* when ret == 0; aname NULL: none */
	int relay, readonly;
};

static void share_parse(void **state)
{
	static const struct spec_case c[] = {
		{ "/h", 0, "/h", "/h", NULL, 0, 0 },
		{ "/h/:ro", 0, "/h", "/h", NULL, 0, 1 },
		{ "/h:rw", 0, "/h", "/h", NULL, 0, 0 },
		{ "/h:/g//x/", 0, "/h", "/g/x", NULL, 0, 0 },
		{ "/h:/g:ro", 0, "/h", "/g", NULL, 0, 1 },
		{ "/ro", 0, "/ro", "/ro", NULL, 0, 0 },
		{ "/h:/ro", 0, "/h", "/ro", NULL, 0, 0 },
		{ "9p:/s:/g", 0, "/s", "/g", NULL, 1, 0 },
		{ "9p:/s:/exp:/g:ro", 0, "/s", "/g", "/exp", 1, 1 },
		{ "9p:/s:exp:/g", 0, "/s", "/g", "exp", 1, 0 },
		{ "", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ ":ro", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "/h:g", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "/a:/b:/c", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "/a:/b:ro:x", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "/h:/g:ro:ro", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "9p:/s", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "9p:/s:ro", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "9p:/s:a:b:/g", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "9p:/s:/a:g", -EINVAL, NULL, NULL, NULL, 0, 0 },
		{ "9p::/g", -EINVAL, NULL, NULL, NULL, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct part_share s;
		struct lerr err = { 0 };
		int r = part_share_parse(c[i].spec, &s, &err);

		if (r != c[i].ret)
			fail_msg("\"%s\": returned %d (%s), want %d", c[i].spec, r, err.msg, c[i].ret);
		if (r) {
			if (!err.msg[0])
				fail_msg("\"%s\": failed without a message", c[i].spec);
			continue;
		}
		if (strcmp(s.host, c[i].host) || strcmp(s.guest, c[i].guest) ||
		    s.relay != c[i].relay || s.readonly != c[i].readonly ||
		    s.has_aname != !!c[i].aname || (c[i].aname && strcmp(s.aname, c[i].aname)))
			fail_msg("\"%s\": got host %s guest %s aname %s relay %d ro %d", c[i].spec,
				 s.host, s.guest, s.has_aname ? s.aname : "-", s.relay, s.readonly);
	}
}

/*
 * A spec is read up to its NUL and no further: one that ends the last
 * readable page is parsed (a 9P server's, whose "9p:" is skipped, too).
 */
static void share_parse_reads_no_further(void **state)
{
	static const char *const specs[] = { "9p:/run/s.sock:/g", "/srv/data:/data:ro" };
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_true(map != MAP_FAILED);
	assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char *spec = map + page - (strlen(specs[i]) + 1);
		struct part_share s;
		struct lerr err = { 0 };

		memcpy(spec, specs[i], strlen(specs[i]) + 1);
		assert_int_equal(part_share_parse(spec, &s, &err), 0);
		assert_string_equal(s.guest, i ? "/data" : "/g");
	}
	munmap(map, (size_t)page * 2);
}

static void share_guest_length(void **state)
{
	char spec[PART_SHARE_PATH_MAX + 16], path[PART_SHARE_PATH_MAX + 1];
	struct part_share s;
	struct lerr err = { 0 };

	(void)state;
	/* A guest path of 255 bytes fits; 256 do not. */
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[PART_SHARE_PATH_MAX - 1] = '\0';
	snprintf(spec, sizeof(spec), "/h:%s", path);
	assert_int_equal(part_share_parse(spec, &s, &err), 0);
	assert_int_equal(strlen(s.guest), PART_SHARE_PATH_MAX - 1);
	path[PART_SHARE_PATH_MAX - 1] = 'x';
	path[PART_SHARE_PATH_MAX] = '\0';
	snprintf(spec, sizeof(spec), "/h:%s", path);
	assert_int_equal(part_share_parse(spec, &s, &err), -ENAMETOOLONG);
	/* The same host path as the default guest path: too long, says to give one. */
	assert_int_equal(part_share_parse(path, &s, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "give GUESTPATH"));
}

static void share_add_limits(void **state)
{
	struct part_shares *l = calloc(1, sizeof(*l));
	struct lerr err = { 0 };
	char spec[32];

	(void)state;
	assert_non_null(l);
	for (int i = 0; i < PART_SHARES_MAX; i++) {
		snprintf(spec, sizeof(spec), "/h:/g%d", i);
		assert_int_equal(part_share_add(l, spec, &err), 0);
	}
	assert_int_equal(l->n, PART_SHARES_MAX);
	assert_int_equal(part_share_add(l, "/h:/more", &err), -E2BIG);
	assert_int_equal(l->n, PART_SHARES_MAX);
	l->n = 1;
	/* Two shares at one guest path, once normalized. */
	assert_int_equal(part_share_add(l, "/other:/g0/", &err), -EEXIST);
	assert_int_equal(part_share_add(l, "/other:/x/../g0", &err), -EEXIST);
	assert_int_equal(l->n, 1);
	free(l);
}

static void workdir_parse(void **state)
{
	char out[PART_SHARE_PATH_MAX];
	struct lerr err = { 0 };

	(void)state;
	assert_int_equal(part_workdir_parse("/a/./b//", out, sizeof(out), &err), 0);
	assert_string_equal(out, "/a/b");
	assert_int_equal(part_workdir_parse("a", out, sizeof(out), &err), -EINVAL);
	assert_string_equal(err.msg, "not an absolute path");
}

static void status_share_lines(void **state)
{
	static const char text[] =
		"name p\nstate running\n"
		"share 0 kind=dir mode=ro requests=7 errors=1 guest=/a%20b host=/h%25%0a\n"
		"share 1 kind=9p mode=rw requests=0 errors=0 guest=/s host=/run/d.sock aname=/e%20x\n"
		"workdir /a%20b\n";
	struct part_status *st = calloc(1, sizeof(*st));

	(void)state;
	assert_non_null(st);
	assert_int_equal(part_status_parse(text, st), 0);
	assert_int_equal(st->nshares, 2);
	assert_int_equal(st->shares[0].index, 0);
	assert_string_equal(st->shares[0].kind, "dir");
	assert_string_equal(st->shares[0].mode, "ro");
	assert_int_equal(st->shares[0].requests, 7);
	assert_int_equal(st->shares[0].errors, 1);
	assert_string_equal(st->shares[0].guest, "/a b");
	assert_string_equal(st->shares[0].host, "/h%\n");
	assert_string_equal(st->shares[0].aname, "");
	assert_int_equal(st->shares[1].index, 1);
	assert_string_equal(st->shares[1].kind, "9p");
	assert_string_equal(st->shares[1].aname, "/e x");
	assert_string_equal(st->workdir, "/a b");
	free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_clean),
		cmocka_unit_test(path_clean_length),
		cmocka_unit_test(path_absolute),
		cmocka_unit_test(share_parse),
		cmocka_unit_test(share_parse_reads_no_further),
		cmocka_unit_test(share_guest_length),
		cmocka_unit_test(share_add_limits),
		cmocka_unit_test(workdir_parse),
		cmocka_unit_test(status_share_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
