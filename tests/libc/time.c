/* SPDX-License-Identifier: ISC */
/* time.c: the clocks (only whether they behave is printed: their values
 * differ from run to run), sleeping for at least the time asked, and the
 * calendar functions on fixed times with time zones given as POSIX TZ
 * strings (which musl parses without reading a file). */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *yes(int ok)
{
	return ok ? "ok" : "WRONG";
}

static long long ns_of(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long now_ns(clockid_t c)
{
	struct timespec t;

	if (clock_gettime(c, &t) != 0) {
		printf("clock_gettime(%d) failed: %s\n", (int)c, strerror(errno));
		exit(1);
	}
	return ns_of(&t);
}

static void clocks(void)
{
	struct timespec t, res;
	long long prev, cur, backwards = 0;
	time_t t1, t2;

	/* The wall clock says a time after 2020 and agrees with time(). */
	t1 = time(NULL);
	time(&t2);
	cur = now_ns(CLOCK_REALTIME);
	printf("time after 2020: %s\n", yes(t1 > 1577836800));
	printf("time(&t) matches time(NULL): %s\n", yes(t2 >= t1 && t2 - t1 <= 1));
	printf("CLOCK_REALTIME matches time(): %s\n",
	       yes(cur / 1000000000LL >= t1 && cur / 1000000000LL - t1 <= 1));
	clock_gettime(CLOCK_REALTIME, &t);
	printf("tv_nsec in range: %s\n", yes(t.tv_nsec >= 0 && t.tv_nsec < 1000000000L));

	/* CLOCK_MONOTONIC never goes back, and moves. */
	prev = now_ns(CLOCK_MONOTONIC);
	long long first = prev;
	for (int i = 0; i < 200; i++) {
		cur = now_ns(CLOCK_MONOTONIC);
		if (cur < prev)
			backwards++;
		prev = cur;
	}
	printf("CLOCK_MONOTONIC monotonic: %s\n", yes(backwards == 0));
	/* Busy-wait until it moves by a millisecond, bounded by work done. */
	volatile unsigned long spin = 0;
	while (now_ns(CLOCK_MONOTONIC) - first < 1000000 && spin < 100000000UL)
		spin++;
	printf("CLOCK_MONOTONIC advances: %s\n",
	       yes(now_ns(CLOCK_MONOTONIC) - first >= 1000000));
	printf("clock_getres(CLOCK_MONOTONIC): %s\n",
	       yes(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 &&
		   res.tv_nsec > 0 && res.tv_nsec <= 1000000));
	printf("clock_getres(CLOCK_REALTIME): %s\n",
	       yes(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 &&
		   res.tv_nsec > 0 && res.tv_nsec <= 1000000));
	errno = 0;
	printf("clock_gettime(bad clock) fails with EINVAL: %s\n",
	       yes(clock_gettime((clockid_t)12345, &t) == -1 && errno == EINVAL));

	/* clock() counts CPU time: it does not go back, and not ahead of
	 * wall time by much. */
	clock_t c1 = clock();
	long long w1 = now_ns(CLOCK_MONOTONIC);
	volatile double x = 1;
	for (int i = 0; i < 3000000; i++)
		x = x * 1.0000001 + 1e-9;
	clock_t c2 = clock();
	long long w2 = now_ns(CLOCK_MONOTONIC);
	printf("clock() works: %s\n", yes(c1 != (clock_t)-1 && c2 >= c1));
	printf("clock() not faster than the wall: %s\n",
	       yes((double)(c2 - c1) / CLOCKS_PER_SEC <= (double)(w2 - w1) / 1e9 + 0.05));
}

/* Sleeps, each checked to last at least what was asked (and not absurdly
 * more: ten times plus 200 ms). */
static void sleeps(void)
{
	static const long ns[] = { 0, 1, 1000, 1000000, 5000000, 20000000 };
	long long t0, t1;
	struct timespec req, rem;
	int r;

	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
		req.tv_sec = 0;
		req.tv_nsec = ns[i];
		t0 = now_ns(CLOCK_MONOTONIC);
		r = nanosleep(&req, &rem);
		t1 = now_ns(CLOCK_MONOTONIC);
		printf("nanosleep %8ld ns: returns %d, long enough %s, not too long %s\n",
		       ns[i], r, yes(t1 - t0 >= ns[i]),
		       yes(t1 - t0 <= 10 * ns[i] + 200000000LL));
	}
	req.tv_sec = 0;
	req.tv_nsec = 1000000000L;
	errno = 0;
	r = nanosleep(&req, NULL);
	printf("nanosleep with tv_nsec 1e9: %d %s\n", r, errno == EINVAL ? "EINVAL" : "other");
	req.tv_sec = -1;
	req.tv_nsec = 0;
	errno = 0;
	r = nanosleep(&req, NULL);
	printf("nanosleep with tv_sec -1: %d %s\n", r, errno == EINVAL ? "EINVAL" : "other");

	t0 = now_ns(CLOCK_MONOTONIC);
	r = usleep(15000);
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("usleep 15000: returns %d, long enough %s\n", r, yes(t1 - t0 >= 15000000LL));
	t0 = now_ns(CLOCK_MONOTONIC);
	unsigned left = sleep(0);
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("sleep 0: returns %u, quick %s\n", left, yes(t1 - t0 < 200000000LL));

	/* clock_nanosleep, relative and absolute. */
	req.tv_sec = 0;
	req.tv_nsec = 3000000;
	t0 = now_ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL);
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("clock_nanosleep relative 3 ms: %d, long enough %s\n", r,
	       yes(t1 - t0 >= 3000000LL));
	t0 = now_ns(CLOCK_MONOTONIC);
	long long until = t0 + 4000000LL;
	req.tv_sec = (time_t)(until / 1000000000LL);
	req.tv_nsec = (long)(until % 1000000000LL);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL);
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("clock_nanosleep absolute +4 ms: %d, reached %s\n", r, yes(t1 >= until));
	/* An absolute time in the past returns at once. */
	req.tv_sec = 0;
	req.tv_nsec = 1;
	t0 = now_ns(CLOCK_MONOTONIC);
	r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &req, NULL);
	t1 = now_ns(CLOCK_MONOTONIC);
	printf("clock_nanosleep absolute past: %d, quick %s\n", r,
	       yes(t1 - t0 < 200000000LL));
}

static void show_tm(const char *what, const struct tm *tm)
{
	if (!tm) {
		printf("%s: NULL\n", what);
		return;
	}
	printf("%s: %04d-%02d-%02d %02d:%02d:%02d wday %d yday %d isdst %d\n", what,
	       tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
	       tm->tm_sec, tm->tm_wday, tm->tm_yday, tm->tm_isdst);
}

static void calendar(void)
{
	static const long long stamps[] = {
		0, 1, -1, 86399, 86400, 951782400, 951868800, 978307199, 1000000000,
		1234567890, 1700000000, 2147483647, 2147483648LL, 4102444800LL,
		-2208988800LL, 253402300799LL, 1710054000, 1730613600,
	};
	static const char *zones[] = {
		"UTC0", "EST5EDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3",
		"<+0530>-5:30", "NZST-12NZDT,M9.5.0,M4.1.0/3",
	};
	/* Formats the compiler does not check: it warns of an empty one and
	 * does not know POSIX's '+' flag. */
	const char *volatile empty = "", *volatile padded = "%5Y|%-d|%_d|%010Y|%+4Y|%+6C";
	char buf[256];

	/* Without TZ, musl would read /etc/localtime: set it first. */
	setenv("TZ", "UTC0", 1);
	tzset();
	for (size_t i = 0; i < sizeof stamps / sizeof *stamps; i++) {
		time_t t = (time_t)stamps[i];
		struct tm tm;

		snprintf(buf, sizeof buf, "gmtime %lld", stamps[i]);
		show_tm(buf, gmtime_r(&t, &tm));
		strftime(buf, sizeof buf,
			 "%a %A %b %B %c | %C %d %D %e %F %g %G %h %H %I %j %m %M %n %p "
			 "%r %R %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%",
			 &tm);
		printf("  strftime: %s\n", buf);
	}

	for (size_t z = 0; z < sizeof zones / sizeof *zones; z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		printf("TZ=%s\n", zones[z]);
		for (size_t i = 0; i < sizeof stamps / sizeof *stamps; i++) {
			time_t t = (time_t)stamps[i], back;
			struct tm tm, copy;

			if (!localtime_r(&t, &tm)) {
				printf("  localtime %lld: NULL\n", stamps[i]);
				continue;
			}
			copy = tm;
			back = mktime(&copy);
			strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z %Z", &tm);
			printf("  %lld -> %s isdst %d -> mktime %lld\n", stamps[i], buf,
			       tm.tm_isdst, (long long)back);
		}
		/* mktime normalizes fields out of range. */
		struct tm tm = { 0 };
		tm.tm_year = 2024 - 1900;
		tm.tm_mon = 13;
		tm.tm_mday = 35;
		tm.tm_hour = -5;
		tm.tm_min = 125;
		tm.tm_sec = 61;
		tm.tm_isdst = -1;
		time_t t = mktime(&tm);
		show_tm("  mktime normalized", &tm);
		printf("  = %lld\n", (long long)t);
		/* A time in the gap when clocks go forward, and one that occurs
		 * twice when they go back. */
		struct tm gap = { 0 };
		gap.tm_year = 2024 - 1900;
		gap.tm_mon = 2;
		gap.tm_mday = 10;
		gap.tm_hour = 2;
		gap.tm_min = 30;
		gap.tm_isdst = -1;
		t = mktime(&gap);
		show_tm("  mktime 2024-03-10 02:30", &gap);
		printf("  = %lld\n", (long long)t);
		printf("  timezone %ld daylight %d tzname %s/%s\n", timezone, daylight,
		       tzname[0], tzname[1]);
	}

	setenv("TZ", "UTC0", 1);
	tzset();
	time_t a = 1000000000, b = 1234567890;
	printf("difftime: %.1f %.1f %.1f\n", difftime(b, a), difftime(a, b), difftime(a, a));
	struct tm tm;
	gmtime_r(&b, &tm);
	printf("asctime: %s", asctime(&tm));
	printf("ctime in UTC: %s", ctime(&b));
	size_t n = strftime(buf, 5, "%Y-%m-%d", &tm);
	printf("strftime too small: %zu\n", n);
	n = strftime(buf, sizeof buf, empty, &tm);
	printf("strftime empty: %zu\n", n);
	n = strftime(buf, sizeof buf, padded, &tm);
	printf("strftime padding (%zu): %s\n", n, buf);
}

int main(void)
{
	clocks();
	sleeps();
	calendar();
	return 0;
}
