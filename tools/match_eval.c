/*
 * match_eval.c: run the pattern engine in-process over a JSONL request set.
 *
 *   match_eval FILE.jsonl            one JSON line per request:
 *       {"id":..,"query":..,"linux":cmd|null,"macos":cmd|null,
 *        "linux_intent":..,"macos_intent":..}
 *   match_eval -q "REQUEST" [-p linux|macos|freebsd] [-n N]
 *   match_eval -d "REQUEST" [linux|macos]   every intent that fits, any score
 *   match_eval -t "REQUEST"                 tokens and slots
 *                                    print the candidates with scores
 *
 * tools/eval.py scores the output against each line's accept regexp.
 */
#include "buf.h"
#include "match/match.h"
#include "match/match_int.h"

#include <cjson/cJSON.h>

#define MAX_LINE (1 << 20)

static void one(const char *q, const char *platform, size_t n)
{
	struct platform p;
	struct match_opts o;
	struct match_result r;
	struct err err = {0};

	char os[16];
	const char *pm = strchr(platform, ':'); /* "linux:dnf": with that package manager */

	snprintf(os, sizeof(os), "%.*s", (int)(pm ? pm - platform : (ptrdiff_t)strlen(platform)),
		 platform);
	if (platform_target(&p, os, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(2);
	}
	if (pm)
		snprintf(p.pkg, sizeof(p.pkg), "%s", pm + 1);
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

static void print_fit(void *arg, const char *id, double score, double explained, int guesses)
{
	(void)arg;
	printf("%.3f e=%.2f g=%d %s\n", score, explained, guesses, id);
}

int main(int argc, char **argv)
{
	struct platform lin, mac;
	struct err err = {0};
	FILE *f;
	char *line;

	if (argc >= 3 && str_eq(argv[1], "-t")) { /* tokens and slots, for debugging */
		static struct mreq r;
		struct match_opts o;
		struct match_result res;

		platform_target(&lin, "linux", &err);
		o.plat = &lin;
		o.max_candidates = 1;
		match_request("x", 1, &o, &res, &err); /* builds the tables */
		match_result_release(&res);
		if (mt_tokenize(&r, argv[2], strlen(argv[2]), &err) != 0) {
			printf("tokenize: %s\n", err.msg);
			return 0;
		}
		ms_extract(&r);
		for (int i = 0; i < r.n; i++)
			printf("%2d %-16s %-16s kind=%d w=%d cue=%d stop=%d slot=%d%s\n", i, r.t[i].raw,
			       r.t[i].low, r.t[i].kind, r.t[i].w, r.t[i].cue, r.t[i].stop, r.t[i].slot,
			       r.t[i].fixed ? " fixed" : "");
		for (int s = 0; s < r.ns; s++)
			printf("slot %d type=%d sub=%d cmp=%d num=%g val=%s\n", s, r.s[s].type, r.s[s].sub,
			       r.s[s].cmp, r.s[s].num, r.s[s].val);
		return 0;
	}
	if (argc >= 3 && str_eq(argv[1], "-d")) { /* every intent that fits, any score */
		platform_target(&lin, argc >= 4 ? argv[3] : "linux", &err);
		if (match_debug_fits(argv[2], &lin, print_fit, NULL) != 0)
			printf("does not tokenise\n");
		return 0;
	}
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
