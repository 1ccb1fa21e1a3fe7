/* SPDX-License-Identifier: ISC */
/* env.c: the environment.  For each argument NAME prints NAME=value or
 * "NAME unset"; then the variables whose names start with LPARTEST_, sorted
 * (the others depend on who started the program); then changes them with
 * setenv, unsetenv and putenv and shows the result again. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

#define PREFIX "LPARTEST_"

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void show_ours(const char *when)
{
	size_t n = 0, k = 0;
	char **v;

	for (char **e = environ; e && *e; e++)
		n++;
	v = malloc((n + 1) * sizeof *v);
	if (!v) {
		printf("out of memory\n");
		exit(1);
	}
	for (char **e = environ; e && *e; e++)
		if (!strncmp(*e, PREFIX, strlen(PREFIX)))
			v[k++] = *e;
	qsort(v, k, sizeof *v, cmp);
	printf("%s: %zu LPARTEST_ variables\n", when, k);
	for (size_t i = 0; i < k; i++)
		printf("  [%s]\n", v[i]);
	free(v);
}

static void lookup(const char *name)
{
	const char *v = getenv(name);

	if (v)
		printf("%s=%s (%zu)\n", name, v, strlen(v));
	else
		printf("%s unset\n", name);
}

static const char *err(int r)
{
	if (r == 0)
		return "0";
	return errno == EINVAL ? "-1 EINVAL" : "-1 other";
}

int main(int argc, char **argv)
{
	static char put1[] = PREFIX "PUT=from putenv";
	static char put2[] = PREFIX "PUT2=second";
	int r;

	for (int i = 1; i < argc; i++)
		lookup(argv[i]);
	show_ours("at start");

	r = setenv(PREFIX "NEW", "new value", 0);
	printf("setenv NEW: %s\n", err(r));
	r = setenv(PREFIX "NEW", "not replaced", 0);
	printf("setenv NEW again, no overwrite: %s\n", err(r));
	lookup(PREFIX "NEW");
	r = setenv(PREFIX "NEW", "replaced", 1);
	printf("setenv NEW, overwrite: %s\n", err(r));
	lookup(PREFIX "NEW");
	r = setenv(PREFIX "A", "changed=with equals", 1);
	printf("setenv A: %s\n", err(r));
	r = setenv(PREFIX "EMPTY", "", 1);
	printf("setenv EMPTY: %s\n", err(r));
	lookup(PREFIX "EMPTY");

	errno = 0;
	r = setenv("BAD=NAME", "x", 1);
	printf("setenv with '=' in the name: %s\n", err(r));
	errno = 0;
	r = setenv("", "x", 1);
	printf("setenv with an empty name: %s\n", err(r));
	errno = 0;
	r = unsetenv("BAD=NAME");
	printf("unsetenv with '=' in the name: %s\n", err(r));

	r = putenv(put1);
	printf("putenv PUT: %s\n", err(r));
	lookup(PREFIX "PUT");
	/* putenv's string is the environment: changing it changes the value. */
	memcpy(put1 + strlen(PREFIX "PUT="), "FROM", 4);
	lookup(PREFIX "PUT");
	r = putenv(put2);
	printf("putenv PUT2: %s\n", err(r));
	show_ours("after setting");

	r = unsetenv(PREFIX "B");
	printf("unsetenv B: %s\n", err(r));
	r = unsetenv(PREFIX "B");
	printf("unsetenv B again: %s\n", err(r));
	r = unsetenv(PREFIX "NEVER_SET");
	printf("unsetenv NEVER_SET: %s\n", err(r));
	r = unsetenv(PREFIX "PUT");
	printf("unsetenv PUT: %s\n", err(r));
	lookup(PREFIX "B");
	lookup(PREFIX "PUT");
	show_ours("after unsetting");

	/* Many variables, so the environment has to grow. */
	char name[32], value[32];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, PREFIX "MANY_%03d", i);
		snprintf(value, sizeof value, "v%d", i * i);
		if (setenv(name, value, 1) != 0)
			printf("setenv %s failed\n", name);
	}
	int good = 0;
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, PREFIX "MANY_%03d", i);
		snprintf(value, sizeof value, "v%d", i * i);
		const char *v = getenv(name);
		good += v && !strcmp(v, value);
	}
	printf("300 variables set, %d read back\n", good);
	for (int i = 0; i < 300; i += 2) {
		snprintf(name, sizeof name, PREFIX "MANY_%03d", i);
		unsetenv(name);
	}
	size_t left = 0;
	for (char **e = environ; *e; e++)
		left += !strncmp(*e, PREFIX "MANY_", strlen(PREFIX "MANY_"));
	printf("after unsetting the even ones: %zu left\n", left);
	for (int i = 1; i < argc; i++)
		lookup(argv[i]);
	return 0;
}
