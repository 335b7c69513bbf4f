/*
 * match_eval.c: run the pattern engine in-process over a JSONL request set.
 *
 *   match_eval FILE.jsonl            one JSON line per request:
 *       {"id":..,"query":..,"linux":cmd|null,"macos":cmd|null,
 *        "linux_intent":..,"macos_intent":..}
 *   match_eval -q "REQUEST" [-p linux|macos|freebsd] [-n N]
 *                                    print the candidates with scores
 *
 * tools/eval.py scores the output against each line's accept regexp.
 */
#include "buf.h"
#include "match/match.h"

#include <cjson/cJSON.h>

#define MAX_LINE (1 << 20)

static void one(const char *q, const char *platform, size_t n)
{
	struct platform p;
	struct match_opts o;
	struct match_result r;
	struct err err = {0};

	if (platform_target(&p, platform, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
	o.plat = &p;
	o.max_candidates = n;
	if (match_request(q, strlen(q), &o, &r, &err) != 0) {
		printf("declined (%d): %s\n", err.code, err.msg);
	} else {
		for (size_t i = 0; i < r.n; i++)
			printf("%.3f %-24s %s\n      # %s\n", r.c[i].score, r.c[i].intent, r.c[i].command,
			       r.c[i].explanation);
	}
	match_result_release(&r);
}

static cJSON *answer(const char *q, const struct platform *p, const char **intent)
{
	struct match_opts o = {p, 1};
	struct match_result r;
	struct err err = {0};
	cJSON *v;

	*intent = NULL;
	if (match_request(q, strlen(q), &o, &r, &err) != 0 || r.n == 0) {
		match_result_release(&r);
		return cJSON_CreateNull();
	}
	v = cJSON_CreateString(r.c[0].command);
	*intent = r.c[0].intent;
	match_result_release(&r);
	return v;
}

int main(int argc, char **argv)
{
	struct platform lin, mac;
	struct err err = {0};
	FILE *f;
	char *line;

	if (argc >= 3 && str_eq(argv[1], "-q")) {
		const char *plat = "linux";
		size_t n = 3;

		for (int i = 3; i + 1 < argc; i += 2) {
			if (str_eq(argv[i], "-p"))
				plat = argv[i + 1];
			else if (str_eq(argv[i], "-n"))
				n = (size_t)atoi(argv[i + 1]);
		}
		one(argv[2], plat, n);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: match_eval FILE.jsonl | match_eval -q REQUEST [-p P] [-n N]\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	platform_target(&lin, "linux", &err);
	platform_target(&mac, "macos", &err);
	line = xmalloc(MAX_LINE);
	while (fgets(line, MAX_LINE, f)) {
		cJSON *in = cJSON_Parse(line), *out, *id, *q;
		const char *il, *im;
		char *s;

		if (!in)
			continue;
		id = cJSON_GetObjectItem(in, "id");
		q = cJSON_GetObjectItem(in, "query");
		if (!cJSON_IsString(q)) {
			cJSON_Delete(in);
			continue;
		}
		out = cJSON_CreateObject();
		cJSON_AddItemToObject(out, "id", cJSON_Duplicate(id, 1));
		cJSON_AddStringToObject(out, "query", q->valuestring);
		cJSON_AddItemToObject(out, "linux", answer(q->valuestring, &lin, &il));
		cJSON_AddItemToObject(out, "macos", answer(q->valuestring, &mac, &im));
		if (il)
			cJSON_AddStringToObject(out, "linux_intent", il);
		if (im)
			cJSON_AddStringToObject(out, "macos_intent", im);
		s = cJSON_PrintUnformatted(out);
		puts(s);
		free(s);
		cJSON_Delete(out);
		cJSON_Delete(in);
	}
	free(line);
	fclose(f);
	return 0;
}
