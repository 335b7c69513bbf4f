/* proc.c: process figures (see proc.h). */
#include "proc.h"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* ru_maxrss is in bytes on macOS and in KB elsewhere. */
#ifdef __APPLE__
#define RSS_PER_MB (1024.0 * 1024.0)
#else
#define RSS_PER_MB 1024.0
#endif

double proc_uptime_ms(void)
{
	char buf[1024], *p;
	unsigned long long start = 0;
	struct timespec up;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;
	int field;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields are
	 * counted from the last ')'. starttime is field 22; the text after
	 * ')' starts at field 3. */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &start) != 1 ||
	    clock_gettime(CLOCK_BOOTTIME, &up) != 0)
		return -1;
	return ((double)up.tv_sec + (double)up.tv_nsec / 1e9 -
		(double)start / (double)sysconf(_SC_CLK_TCK)) * 1e3;
}

double proc_peak_rss_mb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (double)ru.ru_maxrss / RSS_PER_MB;
}
