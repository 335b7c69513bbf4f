/*
 * test_match.c: the pattern engine: normalisation, slot extractors,
 * composition, platform variants, declines, quoting, hostile input, and
 * the table-driven held-out cases in tests/data/match_cases.tsv.
 */
#include "t.h"

#include "buf.h"
#include "tdata.h"
#include "match/match.h"
#include "match/match_int.h"

int match_check_tables(struct err *err);

/* The top command for req on a named platform ("linux", "linux/fish" for
 * that platform with the user's shell given, "linux:dnf" with its package
 * manager), NULL when declined (caller frees). */
static char *top(const char *req, const char *plat)
{
	struct platform p;
	struct match_opts o;
	struct match_result r;
	struct err err = {0};
	char *s = NULL, os[16];
	const char *sh = strchr(plat, '/'), *pm = strchr(plat, ':');
	const char *end = sh ? sh : pm ? pm : plat + strlen(plat);

	snprintf(os, sizeof(os), "%.*s", (int)(end - plat), plat);
	if (platform_target(&p, os, &err) != 0 || (sh && platform_shell_parse(sh + 1, &p.shell) != 0))
		return NULL;
	if (pm)
		snprintf(p.pkg, sizeof(p.pkg), "%s", pm + 1);
	o.plat = &p;
	o.max_candidates = 1;
	if (match_request(req, strlen(req), &o, &r, &err) == 0 && r.n > 0)
		s = xstrdup(r.c[0].command);
	match_result_release(&r);
	return s;
}

#define CHECK_CMD(req, plat, want)                                   \
	do {                                                         \
		char *got_ = top(req, plat);                         \
		CHECK_STR(got_, want);                               \
		free(got_);                                          \
	} while (0)

static struct mreq *parse(const char *req)
{
	static struct mreq r;
	struct err err = {0};

	if (mt_tokenize(&r, req, strlen(req), &err) != 0)
		return NULL;
	ms_extract(&r);
	return &r;
}

static const struct mslot *slot_of(const struct mreq *r, int type)
{
	for (int i = 0; r && i < r->ns; i++)
		if (r->s[i].type == type)
			return &r->s[i];
	return NULL;
}

static const char *slot_val(const struct mreq *r, int type)
{
	const struct mslot *s = slot_of(r, type);

	return s ? s->val : "(none)";
}

TEST(match_table_compiles)
{
	struct err err = {0};

	CHECK_INT(match_check_tables(&err), 0);
	if (err.msg[0])
		t_fail(__FILE__, __LINE__, "%s", err.msg);
	CHECK(match_nintents >= 250);
}

/* The tables compiled into the library (build/gen/match_tables.c) are
 * what the builder makes from the current data: the generated file is
 * not stale, and writing it out lost nothing. */
TEST(match_generated_tables_current)
{
	const struct mtables *g = &match_tables;
	struct mtables b;
	struct err err = {0};

	REQUIRE(match_tables_build(&b, &err) == 0);
	CHECK_INT(g->nwords, b.nwords);
	CHECK_INT((int)g->poolsz, (int)b.poolsz);
	CHECK_INT(g->ntypo, b.ntypo);
	CHECK_INT(g->nphr, b.nphr);
	CHECK_INT(g->ncints, b.ncints);
	CHECK_INT(g->ncints, (int)match_nintents);
	CHECK_INT(g->nedges, b.nedges);
	if (g->nwords != b.nwords || g->poolsz != b.poolsz || g->ntypo != b.ntypo ||
	    g->nphr != b.nphr || g->ncints != b.ncints || g->nedges != b.nedges)
		goto out;
	CHECK(memcmp(g->pool, b.pool, b.poolsz) == 0);
	for (int i = 0; i < b.nwords; i++) {
		const struct mword *x = &g->words[i], *y = &b.words[i];

		if (x->off != y->off || x->syn != y->syn || x->phr != y->phr || x->num != y->num ||
		    x->flags != y->flags || x->cue != y->cue) {
			t_fail(__FILE__, __LINE__, "word %d (%s) differs", i, b.pool + y->off);
			break;
		}
	}
	CHECK(memcmp(g->hash, b.hash, MT_LEX_CAP * sizeof(b.hash[0])) == 0);
	CHECK(memcmp(g->typo_first, b.typo_first, (MT_TYPO_MAXLEN + 2) * sizeof(b.typo_first[0])) ==
	      0);
	CHECK(memcmp(g->typo_ids, b.typo_ids, (size_t)b.ntypo * sizeof(b.typo_ids[0])) == 0);
	for (int k = 0; k < b.nphr; k++) {
		const struct mphrase *x = &g->phr[k], *y = &b.phr[k];

		if (x->n != y->n || x->next != y->next ||
		    memcmp(x->w, y->w, (size_t)y->n * sizeof(y->w[0])) != 0) {
			t_fail(__FILE__, __LINE__, "phrase %d (%s) differs", k, lex_phrases[k].words);
			break;
		}
	}
	for (int k = 0; k < b.ncints; k++) {
		const struct cintent *x = &g->cints[k], *y = &b.cints[k];
		bool same = x->nneed == y->nneed && x->nopt == y->nopt;

		for (int j = 0; same && j < y->nneed; j++)
			same = x->nalt[j] == y->nalt[j] && x->many[j] == y->many[j] &&
			       x->one[j] == y->one[j] &&
			       !memcmp(x->need[j], y->need[j], y->nalt[j] * sizeof(y->need[j][0]));
		for (int o = 0; same && o < y->nopt; o++)
			same = x->opt[o] == y->opt[o] && x->flagoff[o] == y->flagoff[o] &&
			       x->flaglen[o] == y->flaglen[o] && x->flagid[o] == y->flagid[o];
		if (!same) {
			t_fail(__FILE__, __LINE__, "intent %s differs", match_intents[k].id);
			break;
		}
	}
	CHECK(memcmp(g->idx_first, b.idx_first, MT_IDX_CAP * sizeof(b.idx_first[0])) == 0);
	CHECK(memcmp(g->edges, b.edges, (size_t)b.nedges * sizeof(b.edges[0])) == 0);
out:
	match_tables_release(&b);
}

/* The builder's invariants, which the engine relies on without checks. */
TEST(match_tables_invariants)
{
	const struct mtables *t = &match_tables;
	int n = 0;

	for (int h = 0; h < MT_LEX_CAP; h++) {
		int id = t->hash[h];

		if (id < 0)
			continue;
		n++;
		CHECK(id < t->nwords);
		CHECK_INT(lex_word(lex_str(id)), id);
	}
	CHECK_INT(n, t->nwords);
	for (int id = 0; id < t->nwords; id++) {
		const struct mword *w = &t->words[id];

		CHECK(w->off < t->poolsz);
		CHECK(w->syn < t->nwords && w->syn != id);
		CHECK(w->syn < 0 || t->words[w->syn].syn < 0 || t->words[w->syn].syn == w->syn);
		CHECK(w->phr < t->nphr);
	}
	for (int i = 0; i < t->ntypo; i++)
		CHECK(t->typo_ids[i] >= 0 && t->typo_ids[i] < t->nwords);
	for (int k = 0; k < t->nphr; k++)
		for (int m = 0; m < t->phr[k].n; m++)
			CHECK(t->phr[k].w[m] >= 0 && t->phr[k].w[m] < t->nwords);
	for (int i = 0; i < MT_IDX_CAP; i++)
		for (int e = t->idx_first[i], steps = 0; e >= 0; e = t->edges[e].next, steps++) {
			REQUIRE(e < t->nedges && steps <= t->nedges);
			CHECK(t->edges[e].intent >= 0 && t->edges[e].intent < t->ncints);
		}
}

/* ---- normalisation ---- */

TEST(match_norm_typos_synonyms_politeness)
{
	struct mreq *r = parse("could you please lsit the biggest foldres, thx");

	int i = 0;

	REQUIRE(r);
	/* politeness is filler, "lsit" is fixed by transposition */
	while (i < r->n && r->t[i].stop)
		i++;
	REQUIRE(i < r->n);
	CHECK_STR(r->t[i].low, "list");
	CHECK(r->t[i].fixed);
	r = parse("show me the largest directories");
	REQUIRE(r);
	CHECK_STR(r->t[0].low, "show");
	CHECK_STR(r->t[2].low, "biggest");
	CHECK_STR(r->t[3].low, "dir");
}

TEST(match_norm_names_are_not_typos)
{
	/* "alice" is one edit from "alive", but only intent words are targets */
	struct mreq *r = parse("which groups is alice in");

	REQUIRE(r);
	CHECK_STR(r->t[3].raw, "alice");
	CHECK(r->t[3].w < 0);
}

TEST(match_norm_number_words)
{
	struct mreq *r = parse("show the last twenty five lines of app.log");
	const struct mslot *s;

	REQUIRE(r);
	s = slot_of(r, SL_COUNT);
	REQUIRE(s);
	CHECK_INT((int)s->num, 25);
	r = parse("top a dozen processes");
	REQUIRE(r);
	s = slot_of(r, SL_COUNT);
	REQUIRE(s);
	CHECK_INT((int)s->num, 12);
}

TEST(match_norm_places)
{
	struct mreq *r = parse("files in my downloads folder");

	REQUIRE(r);
	CHECK_STR(r->t[r->n - 1].raw, "~/Downloads");
	CHECK_INT(r->t[r->n - 1].kind, TK_PATH);
	r = parse("largest files here");
	REQUIRE(r);
	CHECK_STR(r->t[r->n - 1].raw, ".");
}

/* ---- slot extractors ---- */

TEST(match_slot_sizes)
{
	struct mreq *r = parse("files over 1.5G");
	const struct mslot *s;

	REQUIRE(r);
	s = slot_of(r, SL_SIZE_MIN);
	REQUIRE(s);
	CHECK(s->num == 1.5 * 1073741824.0);
	r = parse("files between 10MB and 100 megabytes");
	REQUIRE(r);
	REQUIRE(slot_of(r, SL_SIZE_MIN) && slot_of(r, SL_SIZE_MAX));
	CHECK(slot_of(r, SL_SIZE_MIN)->num == 10 * 1048576.0);
	CHECK(slot_of(r, SL_SIZE_MAX)->num == 100 * 1048576.0);
	r = parse("files smaller than 250k");
	REQUIRE(r);
	CHECK(slot_of(r, SL_SIZE_MAX) && slot_of(r, SL_SIZE_MAX)->num == 250 * 1024.0);
	/* find has no decimals: 1.5G is written 1536M */
	CHECK_CMD("files over 1.5G in /data", "linux", "find /data -type f -size +1536M");
	CHECK_CMD("files bigger than 2 gigs", "linux", "find . -type f -size +2G");
}

TEST(match_slot_times)
{
	struct mreq *r = parse("modified in the last 3 days");
	const struct mslot *s;

	REQUIRE(r);
	s = slot_of(r, SL_TIME);
	REQUIRE(s);
	CHECK_INT(s->sub, TM_DAY);
	CHECK_INT((int)s->num, 3);
	CHECK_INT(s->cmp, -1);
	r = parse("older than 2 weeks");
	REQUIRE(r);
	s = slot_of(r, SL_TIME);
	REQUIRE(s);
	CHECK_INT((int)s->num, 14);
	CHECK_INT(s->cmp, 1);
	r = parse("changed in the past 90 minutes");
	REQUIRE(r && (s = slot_of(r, SL_TIME)));
	CHECK_INT(s->sub, TM_MIN);
	CHECK_INT((int)s->num, 90);
	CHECK_CMD("files modified in the last 2 hours", "linux", "find . -type f -mmin -120");
	CHECK_CMD("files changed since friday", "linux", "find . -type f -newermt 'last friday'");
	CHECK_CMD("files changed since friday", "macos",
		  "find . -type f -newermt \"$(date -v-fri +%Y-%m-%d)\"");
	CHECK_CMD("files modified yesterday", "linux", "find . -type f -daystart -mtime 1");
	CHECK_CMD("what date is 3 weeks from now", "linux", "date -d '+3 weeks' +%F");
	CHECK_CMD("what date is 3 weeks from now", "macos", "date -v+3w +%F");
}

TEST(match_slot_counts_exts_names_users)
{
	struct mreq *r = parse("top 7 largest python files owned by carol named test_x.py");

	REQUIRE(r);
	CHECK(slot_of(r, SL_COUNT) && slot_of(r, SL_COUNT)->num == 7);
	CHECK_STR(slot_val(r, SL_EXT), "py");
	CHECK_STR(slot_val(r, SL_USER), "carol");
	CHECK_STR(slot_val(r, SL_NAME), "test_x.py");
	r = parse("find jpg and png images");
	REQUIRE(r);
	CHECK_STR(slot_val(r, SL_EXT), "jpg,png");
	r = parse("find images");
	REQUIRE(r);
	CHECK_STR(slot_val(r, SL_EXT), "jpg,jpeg,png,gif,webp");
	r = parse("what is on port 5432");
	REQUIRE(r);
	CHECK(slot_of(r, SL_PORT) && slot_of(r, SL_PORT)->num == 5432);
}

TEST(match_slot_token_kinds)
{
	struct mreq *r = parse("copy a.txt to deploy@web1:/srv via https://x.io/y 10.0.0.1 HEAD~2 "
			       "u+x 1-1024 8080:80 2025-12-25 example.com ./src");
	static const int want[] = {TK_WORD, TK_FILE, TK_AT, TK_URL, TK_IP, TK_REF, TK_MODE,
				   TK_RANGE, TK_PAIR, TK_DATE, TK_HOST, TK_PATH};
	int k = 0;

	REQUIRE(r);
	for (int i = 0; i < r->n && k < (int)ARRAY_SIZE(want); i++) {
		if (r->t[i].stop)
			continue;
		CHECK_INT(r->t[i].kind, want[k]);
		k++;
	}
	CHECK_INT(k, (int)ARRAY_SIZE(want));
}

/* ---- composition and variants ---- */

TEST(match_compose_find_filters)
{
	CHECK_CMD("python files over 2MB modified this week in src, and delete them", "linux",
		  "find src -type f -name '*.py' -size +2M -mtime -7 -delete");
	CHECK_CMD("log files older than 30 days owned by www-data in /var/log", "macos",
		  "find /var/log -type f -name '*.log' -mtime +30 -user www-data");
	CHECK_CMD("find .env files but skip node_modules", "linux",
		  "find . -type f -name '.env' -not -path '*/node_modules/*'");
}

TEST(match_platform_variants)
{
	CHECK_CMD("disk usage of /srv one level deep", "linux", "du -h --max-depth=1 /srv");
	CHECK_CMD("disk usage of /srv one level deep", "macos", "du -h -d 1 /srv");
	CHECK_CMD("how many bytes is backup.tar", "linux", "stat -c %s backup.tar");
	CHECK_CMD("how many bytes is backup.tar", "macos", "stat -f %z backup.tar");
	CHECK_CMD("replace foo with bar in a.txt", "macos", "sed -i '' 's/foo/bar/g' a.txt");
	CHECK_CMD("md5 of data.tar", "freebsd", "md5 data.tar");
	CHECK_CMD("install htop", "freebsd", "sudo pkg install htop");
	CHECK_CMD("restart the nginx service", "freebsd", "sudo service nginx restart");
	CHECK_CMD("show memory usage", "macos", "vm_stat");
}

/* ---- declines ---- */

TEST(match_declines)
{
	static const char *const reqs[] = {
		"write me a poem", "fix my laptop", "make it quicker", "do that thing", "help",
		"tell me a story", "what is the meaning of everything", "qwertyuiop", "", "   ",
		"rm everything", "book a table for two",
	};

	for (size_t i = 0; i < ARRAY_SIZE(reqs); i++) {
		char *got = top(reqs[i], "linux");

		if (got)
			t_fail(__FILE__, __LINE__, "'%s' should decline, got %s", reqs[i], got);
		free(got);
	}
}

TEST(match_decline_error_codes)
{
	struct platform p;
	struct match_opts o = {&p, 1};
	struct match_result r;
	struct err err = {0};
	char *big;
	size_t n = 2u << 20;

	platform_target(&p, "linux", &err);
	CHECK_INT(match_request("write me a poem", 15, &o, &r, &err), -1);
	CHECK_INT(err.code, ERR_DECLINED);
	CHECK_INT((int)r.n, 0);
	match_result_release(&r);
	big = xmalloc(n);
	memset(big, 'a', n);
	CHECK_INT(match_request(big, n, &o, &r, &err), -1);
	CHECK_INT(err.code, ERR_LIMIT);
	match_result_release(&r);
	free(big);
}

/* ---- quoting and hostile input ---- */

TEST(match_quotes_odd_values)
{
	CHECK_CMD("grep for \"it's $HOME\" in notes.txt", "linux",
		  "grep 'it'\\''s $HOME' notes.txt");
	CHECK_CMD("find files named 'my file; rm -rf ~'", "linux",
		  "find . -type f -name 'my file; rm -rf ~'");
	CHECK_CMD("commit with message 'fix `id` $(x)'", "linux", "git commit -m 'fix `id` $(x)'");
	CHECK_CMD("replace a/b with c&d in x.txt", "linux", "sed -i 's|a/b|c\\&d|g' x.txt");
}

TEST(match_hostile_input)
{
	struct platform p;
	struct match_opts o = {&p, 3};
	struct match_result r;
	struct err err = {0};
	char bin[512];
	char *big;
	size_t n = 100 * 1024;

	platform_target(&p, "linux", &err);
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (char)(i * 37 + 11);
	match_request(bin, sizeof(bin), &o, &r, &err);
	match_result_release(&r);
	/* unclosed quotes of every kind, and a 100 KB request */
	match_request("find 'x \"y `z \xe2\x80\x9c w", 18, &o, &r, &err);
	match_result_release(&r);
	big = xmalloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = "find '\" \xe2\x80\x9c x"[i % 11];
	CHECK_INT(match_request(big, n, &o, &r, &err), -1);
	match_result_release(&r);
	free(big);
}

TEST(match_candidates_distinct)
{
	struct platform p;
	struct match_opts o = {&p, 5};
	struct match_result r;
	struct err err = {0};

	platform_target(&p, "linux", &err);
	REQUIRE(match_request("largest files here", 18, &o, &r, &err) == 0);
	CHECK(r.n >= 1);
	for (size_t i = 0; i < r.n; i++) {
		CHECK(r.c[i].explanation && r.c[i].explanation[0]);
		for (size_t j = 0; j < i; j++)
			CHECK(!str_eq(r.c[i].command, r.c[j].command));
		if (i > 0)
			CHECK(r.c[i].score <= r.c[i - 1].score);
	}
	match_result_release(&r);
}

/* ---- held-out table ---- */

/* tests/data/match_alts.tsv: what five candidates must and must not offer. */
TEST(match_alternatives_table)
{
	struct tdata td;
	int cases = 0;

	REQUIRE(tdata_open(&td, "match_alts.tsv"));
	while (tdata_next(&td)) {
		struct platform p;
		struct match_opts o = {&p, 5};
		struct match_result r;
		struct err err = {0};
		bool want, found = false;

		if (td.n != 3 || (td.f[2][0] != '+' && td.f[2][0] != '-')) {
			t_fail(__FILE__, __LINE__, "match_alts.tsv:%d: bad line", td.line);
			continue;
		}
		want = td.f[2][0] == '+';
		REQUIRE(platform_target(&p, td.f[0], &err) == 0);
		if (match_request(td.f[1], strlen(td.f[1]), &o, &r, &err) == 0)
			for (size_t i = 0; i < r.n; i++)
				found |= str_eq(r.c[i].command, td.f[2] + 1);
		if (found != want)
			t_fail(__FILE__, __LINE__, "[%s] %s: %s %s", td.f[0], td.f[1],
			       want ? "missing" : "offered", td.f[2] + 1);
		match_result_release(&r);
		cases++;
	}
	tdata_close(&td);
	CHECK(cases >= 5);
}

TEST(match_cases_table)
{
	char *data = t_read_file(t_data("match_cases.tsv"), NULL);
	int cases = 0;

	REQUIRE(data);
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
		char *plat = line, *req, *want, *got;

		if (line[0] == '#' || !(req = strchr(plat, '\t')))
			continue;
		*req++ = '\0';
		if (!(want = strchr(req, '\t')))
			continue;
		*want++ = '\0';
		got = top(req, plat);
		if (str_eq(want, "DECLINE") ? got != NULL : !str_eq(got, want))
			t_fail(__FILE__, __LINE__, "[%s] %s\n  want: %s\n  got:  %s", plat, req, want,
			       got ? got : "(declined)");
		free(got);
		cases++;
	}
	CHECK(cases >= 100);
	free(data);
}
