/* SPDX-License-Identifier: ISC */
/*
 * wc FILE...: "LINES WORDS BYTES NAME" for each file, as 'wc' counts them
 * (a word is a run of bytes that are not white space), then the total.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	long long tl = 0, tw = 0, tb = 0;
	int i, c, rc = 0;

	for (i = 1; i < argc; i++) {
		long long l = 0, w = 0, b = 0;
		int inword = 0;
		FILE *f = fopen(argv[i], "r");

		if (!f) {
			fprintf(stderr, "wc: %s: %s\n", argv[i], strerror(errno));
			rc = 1;
			continue;
		}
		while ((c = getc(f)) != EOF) {
			b++;
			if (c == '\n')
				l++;
			if (isspace(c)) {
				inword = 0;
			} else if (!inword) {
				inword = 1;
				w++;
			}
		}
		if (ferror(f)) {
			fprintf(stderr, "wc: %s: read error\n", argv[i]);
			rc = 1;
		}
		fclose(f);
		printf("%lld %lld %lld %s\n", l, w, b, argv[i]);
		tl += l;
		tw += w;
		tb += b;
	}
	if (argc > 2)
		printf("%lld %lld %lld total\n", tl, tw, tb);
	return rc;
}
