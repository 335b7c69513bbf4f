/*
 * proc_bench.c: whole-process wall time and peak RSS of a command.
 *
 *   proc_bench [-n RUNS] [-w WARMUP] [--name NAME] [--json FILE] -- CMD ARGS...
 *
 * Runs CMD RUNS times (after WARMUP unmeasured runs) with stdout and stderr
 * to /dev/null, timing each from posix_spawn to wait4 on a monotonic clock
 * and reading the child's peak RSS and CPU time (user + system) from
 * wait4's rusage. CPU time suffers less than wall time when other work
 * shares the machine. Prints one table row and, with --json, appends one
 * JSON object per line to FILE:
 *   {"name":..., "runs":N, "min_ms":..., "p50_ms":..., "p95_ms":...,
 *    "p99_ms":..., "max_ms":..., "cpu_p50_ms":..., "rss_kb_max":...,
 *    "rss_kb_p50":...}
 * A run that exits non-zero aborts the benchmark: timing a failure is a lie.
 */
#include "common.h"
#include "bench.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int run_once(char **argv, double *ms, double *cpu_ms, long *rss_kb)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int status;
	double t0;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	t0 = 1e3 * bench_now();
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*ms = 1e3 * bench_now() - t0;
	*cpu_ms = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	*rss_kb = ru.ru_maxrss;
	posix_spawn_file_actions_destroy(&fa);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int runs = 200, warmup = 10, i;
	const char *name = NULL, *json = NULL;
	double *ms, *cpu;
	long *rss;
	int allowed = 0;

	for (i = 1; i < argc && !str_eq(argv[i], "--"); i++) {
		if (str_eq(argv[i], "-n") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (str_eq(argv[i], "-w") && i + 1 < argc)
			warmup = atoi(argv[++i]);
		else if (str_eq(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (str_eq(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (str_eq(argv[i], "--allow-exit") && i + 1 < argc)
			allowed = atoi(argv[++i]);
		else
			break;
	}
	if (i >= argc - 1 || !str_eq(argv[i], "--") || runs < 1) {
		fprintf(stderr, "usage: proc_bench [-n RUNS] [-w WARMUP] [--name NAME] "
				"[--json FILE] [--allow-exit CODE] -- CMD ARGS...\n");
		return 2;
	}
	argv += i + 1;
	if (!name)
		name = argv[0];
	ms = xcalloc((size_t)runs, sizeof(*ms));
	cpu = xcalloc((size_t)runs, sizeof(*cpu));
	rss = xcalloc((size_t)runs, sizeof(*rss));
	for (int r = -warmup; r < runs; r++) {
		double t = 0, c = 0;
		long kb = 0;
		int rc = run_once(argv, &t, &c, &kb);

		if (rc != 0 && rc != allowed) {
			fprintf(stderr, "proc_bench: %s exited %d on run %d\n", argv[0], rc, r);
			return 1;
		}
		if (r >= 0) {
			ms[r] = t;
			cpu[r] = c;
			rss[r] = kb;
		}
	}
	bench_sort(ms, (size_t)runs);
	bench_sort(cpu, (size_t)runs);
	qsort(rss, (size_t)runs, sizeof(*rss), cmp_long);
	printf("%-34s runs %4d  min %7.3f  p50 %7.3f  p95 %7.3f  p99 %7.3f ms  cpu p50 %6.3f ms"
	       "  rss %ld KB\n", name, runs, ms[0], bench_pct(ms, (size_t)runs, 0.5),
	       bench_pct(ms, (size_t)runs, 0.95), bench_pct(ms, (size_t)runs, 0.99), bench_pct(cpu, (size_t)runs, 0.5),
	       rss[runs - 1]);
	if (json) {
		FILE *f = fopen(json, "a");

		if (!f) {
			perror(json);
			return 1;
		}
		fprintf(f, "{\"name\":\"%s\",\"runs\":%d,\"min_ms\":%.4f,\"p50_ms\":%.4f,"
			   "\"p95_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f,\"cpu_p50_ms\":%.4f,"
			   "\"rss_kb_max\":%ld,\"rss_kb_p50\":%ld}\n",
			name, runs, ms[0], bench_pct(ms, (size_t)runs, 0.5), bench_pct(ms, (size_t)runs, 0.95),
			bench_pct(ms, (size_t)runs, 0.99), ms[runs - 1], bench_pct(cpu, (size_t)runs, 0.5),
			rss[runs - 1], rss[runs / 2]);
		fclose(f);
	}
	free(ms);
	free(cpu);
	free(rss);
	return 0;
}
