/*
 * context_bench: what the directory summary (lib/context.c) costs in a
 * directory of 100,000 files, the case the budget exists for, beside an
 * unbounded read of the same directory.
 *
 *   context_bench [-n RUNS] [--files N] [--json FILE]
 *
 * The directory is made once under build/bench-dir-N (empty files).
 */
#include "buf.h"
#include "context.h"
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *name, double *t, int n, size_t entries, const char *json)
{
	struct bench_stats st = bench_summarize(t, (size_t)n);

	printf("%-40s runs %3d  p50 %7.3f  p95 %7.3f  p99 %7.3f ms  (%zu entries read)\n", name, n,
	       st.median, st.p95, st.p99, entries);
	if (json) {
		FILE *f = fopen(json, "a");

		if (f) {
			fprintf(f, "{\"name\": \"%s\", \"runs\": %d, \"p50_ms\": %.4f, \"p95_ms\": %.4f, "
				"\"p99_ms\": %.4f, \"entries\": %zu}\n", name, n, st.median,
				st.p95, st.p99, entries);
			fclose(f);
		}
	}
}

int main(int argc, char **argv)
{
	int runs = 50, files = 100000;
	const char *json = NULL;
	char dir[256], stamp[300], name[300];
	double *t;
	size_t got = 0;
	struct stat st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--files") && i + 1 < argc)
			files = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else {
			fprintf(stderr, "usage: context_bench [-n RUNS] [--files N] [--json FILE]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > 10000 || files < 1 || files > 10000000)
		return 2;
	snprintf(dir, sizeof(dir), "build/bench-dir-%d", files);
	snprintf(stamp, sizeof(stamp), "%s/.complete", dir);
	if (stat(stamp, &st) != 0) {
		static const char *const ext[] = {"py", "c", "h", "md", "log", "json", "txt", "o"};

		mkdir("build", 0755);
		if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
			perror(dir);
			return 1;
		}
		for (int i = 0; i < files; i++) {
			int fd;

			snprintf(name, sizeof(name), "%s/f%06d.%s", dir, i, ext[i % 8]);
			fd = open(name, O_CREAT | O_WRONLY, 0644);
			if (fd < 0) {
				perror(name);
				return 1;
			}
			close(fd);
		}
		close(open(stamp, O_CREAT | O_WRONLY, 0644));
	}
	t = xcalloc((size_t)runs, sizeof(*t));
	for (int pass = 0; pass < 2; pass++) {
		for (int r = 0; r < runs; r++) {
			struct buf b = BUF_INIT;
			double t0 = 1e3 * bench_now();

			got = context_dir_summary(dir, pass ? 1e9 : CONTEXT_BUDGET_MS,
						  pass ? (size_t)-1 : CONTEXT_MAX_ENTRIES, &b);
			t[r] = 1e3 * bench_now() - t0;
			if (r == 0 && pass == 0)
				printf("summary: %s\n", buf_str(&b));
			buf_release(&b);
		}
		snprintf(name, sizeof(name), pass ? "context: %d files, unbounded" :
			 "context: %d files, budget", files);
		report(name, t, runs, got, json);
	}
	free(t);
	return 0;
}
