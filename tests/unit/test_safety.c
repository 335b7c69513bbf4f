/*
 * test_safety.c: the safety checker. The dev set from ../shared must pass
 * in full; our own cases (tests/data/safety_cases.tsv) pin exact levels and
 * rule ids; path classes are table-driven too (tests/data/safety_paths.tsv).
 */
#include "t.h"

#include "safety/safety.h"
#include "safety/safety_int.h"

static bool has_rule(const struct safety_verdict *v, const char *rule)
{
	for (size_t k = 0; k < v->n_reasons; k++)
		if (!strcmp(v->reasons[k].rule, rule))
			return true;
	return false;
}

static void dump_reasons(const struct safety_verdict *v)
{
	for (size_t k = 0; k < v->n_reasons; k++)
		fprintf(stderr, "    %s (%s): %s\n", v->reasons[k].rule,
			safety_risk_name(v->reasons[k].risk), v->reasons[k].message);
}

/* Undo \n, \t and \\ escapes. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && (s[1] == 'n' || s[1] == 't' || s[1] == '\\')) {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : '\\';
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

TEST(safety_dev_set)
{
	char *data = t_read_file(t_shared("eval/dev_safety.tsv"), NULL);
	char *line, *save = NULL;
	int n = 0, misses = 0;

	REQUIRE(data);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *cmd, *tab;
		struct safety_verdict v;
		struct err e;
		bool ok;

		if (line[0] == '#' || !(tab = strchr(line, '\t')))
			continue;
		*tab = '\0';
		cmd = tab + 1;
		if ((tab = strchr(cmd, '\t')))
			*tab = '\0';
		REQUIRE(safety_check(cmd, strlen(cmd), NULL, &v, &e) == 0);
		if (!strcmp(line, "critical"))
			ok = v.risk == RISK_CRITICAL;
		else if (!strcmp(line, "high"))
			ok = v.risk >= RISK_HIGH;
		else if (!strcmp(line, "moderate"))
			ok = v.risk >= RISK_MODERATE;
		else
			ok = v.risk <= RISK_MODERATE &&
			     safety_policy(v.risk, SAFETY_MODERATE) != SAFETY_BLOCK;
		n++;
		if (!ok) {
			misses++;
			t_fail(__FILE__, __LINE__, "want %s, got %s: %s", line,
			       safety_risk_name(v.risk), cmd);
			dump_reasons(&v);
		}
	}
	CHECK(n >= 200);
	CHECK_INT(misses, 0);
	free(data);
}

TEST(safety_cases)
{
	char *data = t_read_file(t_data("safety_cases.tsv"), NULL);
	char *line, *save = NULL;
	int n = 0;

	REQUIRE(data);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *cmd, *rule = NULL, *tab, *lvl = line;
		struct safety_verdict v;
		struct err e;
		enum risk want;
		int cmp = 0;
		bool ok;

		if (line[0] == '#' || !(tab = strchr(line, '\t')))
			continue;
		*tab = '\0';
		cmd = tab + 1;
		if ((tab = strchr(cmd, '\t'))) {
			*tab = '\0';
			rule = tab + 1;
		}
		unescape(cmd);
		if (!strncmp(lvl, ">=", 2) || !strncmp(lvl, "<=", 2)) {
			cmp = lvl[0] == '>' ? 1 : -1;
			lvl += 2;
		}
		if (safety_risk_parse(lvl, &want) < 0) {
			t_fail(__FILE__, __LINE__, "bad level '%s'", lvl);
			continue;
		}
		REQUIRE(safety_check(cmd, strlen(cmd), NULL, &v, &e) == 0);
		n++;
		ok = cmp > 0 ? v.risk >= want : cmp < 0 ? v.risk <= want : v.risk == want;
		if (!ok || (rule && !has_rule(&v, rule))) {
			t_fail(__FILE__, __LINE__, "want %s%s%s, got %s: %s", line, rule ? " with " : "",
			       rule ? rule : "", safety_risk_name(v.risk), cmd);
			dump_reasons(&v);
		}
	}
	CHECK(n > 250);
	free(data);
}

TEST(safety_paths)
{
	char *data = t_read_file(t_data("safety_paths.tsv"), NULL);
	char *line, *save = NULL;

	REQUIRE(data);
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *want, *cwd = NULL, *tab;
		const char *got;

		if (line[0] == '#' || !(tab = strchr(line, '\t')))
			continue;
		*tab = '\0';
		want = tab + 1;
		if ((tab = strchr(want, '\t'))) {
			*tab = '\0';
			cwd = tab + 1;
		}
		got = safety_path_class(line, cwd ? cwd : "");
		if (strcmp(got, want) != 0)
			t_fail(__FILE__, __LINE__, "%s (cwd %s): want %s, got %s", line,
			       cwd ? cwd : "-", want, got);
	}
	free(data);
}

TEST(safety_policy_table)
{
	/* strict: confirm moderate, block high and critical */
	CHECK_INT(safety_policy(RISK_SAFE, SAFETY_STRICT), SAFETY_ALLOW);
	CHECK_INT(safety_policy(RISK_MODERATE, SAFETY_STRICT), SAFETY_CONFIRM);
	CHECK_INT(safety_policy(RISK_HIGH, SAFETY_STRICT), SAFETY_BLOCK);
	CHECK_INT(safety_policy(RISK_CRITICAL, SAFETY_STRICT), SAFETY_BLOCK);
	/* moderate (default): confirm high, block critical */
	CHECK_INT(safety_policy(RISK_SAFE, SAFETY_MODERATE), SAFETY_ALLOW);
	CHECK_INT(safety_policy(RISK_MODERATE, SAFETY_MODERATE), SAFETY_ALLOW);
	CHECK_INT(safety_policy(RISK_HIGH, SAFETY_MODERATE), SAFETY_CONFIRM);
	CHECK_INT(safety_policy(RISK_CRITICAL, SAFETY_MODERATE), SAFETY_BLOCK);
	/* permissive: confirm critical, never block */
	CHECK_INT(safety_policy(RISK_HIGH, SAFETY_PERMISSIVE), SAFETY_ALLOW);
	CHECK_INT(safety_policy(RISK_CRITICAL, SAFETY_PERMISSIVE), SAFETY_CONFIRM);
}

TEST(safety_names)
{
	enum risk r;
	enum safety_level l;

	CHECK_STR(safety_risk_name(RISK_CRITICAL), "critical");
	CHECK_INT(safety_risk_parse("High", &r), 0);
	CHECK_INT(r, RISK_HIGH);
	CHECK_INT(safety_risk_parse("bogus", &r), -1);
	CHECK_INT(safety_risk_parse(NULL, &r), -1);
	CHECK_STR(safety_level_name(SAFETY_PERMISSIVE), "permissive");
	CHECK_INT(safety_level_parse("strict", &l), 0);
	CHECK_INT(l, SAFETY_STRICT);
	CHECK_INT(safety_level_parse("", &l), -1);
}

TEST(safety_reasons_and_spans)
{
	struct safety_verdict v;
	struct err e;
	const char *cmd = "ls; sudo rm -rf / && echo done";

	REQUIRE(safety_check(cmd, strlen(cmd), NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_CRITICAL);
	REQUIRE(has_rule(&v, "rm-root"));
	for (size_t k = 0; k < v.n_reasons; k++) {
		if (strcmp(v.reasons[k].rule, "rm-root") != 0)
			continue;
		/* The span points at the offending argument. */
		CHECK_INT(v.reasons[k].span_start, 16);
		CHECK_INT(v.reasons[k].span_len, 1);
		CHECK(v.reasons[k].message[0] != '\0');
	}
	/* Nested code blames the word that holds it. */
	cmd = "bash -c 'rm -rf ~'";
	REQUIRE(safety_check(cmd, strlen(cmd), NULL, &v, &e) == 0);
	REQUIRE(v.n_reasons >= 1);
	CHECK_INT(v.reasons[0].span_start, 8);
	CHECK_INT(v.reasons[0].span_len, 10);
	/* Not NUL-terminated: only len bytes count. */
	REQUIRE(safety_check("ls -la; rm -rf /", 6, NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_SAFE);
	CHECK_INT(v.n_reasons, 0);
}

TEST(safety_limits)
{
	struct safety_verdict v;
	struct err e;
	char *s = xmalloc((1 << 20) + 1);

	memset(s, 'a', 1 << 20);
	s[1 << 20] = '\0';
	REQUIRE(safety_check(s, 1 << 20, NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_CRITICAL);
	CHECK(has_rule(&v, "too-large"));
	memset(s, '(', 10000);
	REQUIRE(safety_check(s, 10000, NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_CRITICAL);
	CHECK(has_rule(&v, "too-complex"));
	REQUIRE(safety_check("", 0, NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_SAFE);
	REQUIRE(safety_check(NULL, 0, NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_SAFE);
	REQUIRE(safety_check("ls\0rm -rf /", 11, NULL, &v, &e) == 0);
	CHECK(v.risk >= RISK_MODERATE);
	/* Words longer than the resolution cap stay terminated and unknown. */
	{
		static const char *const units[] = {"{a,b}", "$x", "a", "'q'", "$(echo a)", "~/"};

		for (size_t k = 0; k < ARRAY_SIZE(units); k++) {
			size_t ul = strlen(units[k]), n = 0;

			memcpy(s, "rm -rf ", 7);
			n = 7;
			while (n + ul < 60000) {
				memcpy(s + n, units[k], ul);
				n += ul;
			}
			REQUIRE(safety_check(s, n, NULL, &v, &e) == 0);
			CHECK(v.risk >= RISK_MODERATE);
		}
	}
	/* Commands nested in commands, 64 KiB of them: capped, not a stack
	 * overflow (found by a stress run; see git log). */
	{
		static const char *const units[] = {"find / -exec ", "xargs ", "sudo env nice ",
						    "eval eval ", "timeout 1 ", "$(echo "};

		for (size_t k = 0; k < ARRAY_SIZE(units); k++) {
			size_t ul = strlen(units[k]), n = 0;

			while (n + ul < 60000) {
				memcpy(s + n, units[k], ul);
				n += ul;
			}
			memcpy(s + n, "rm -rf /", 8);
			n += 8;
			REQUIRE(safety_check(s, n, NULL, &v, &e) == 0);
			CHECK(v.risk >= RISK_HIGH);
		}
	}
	/* More reasons than fit: the most severe are kept. */
	{
		const char *many = "kill 1; a1; a2; a3; a4; a5; mkdir x; chmod 4755 y; "
				   "mv a b; cp c d; git push -f; kill -9 -1; rm x; "
				   "sed -i s/a/b/ f; crontab -r; docker rm z; reboot; rm -rf /";

		REQUIRE(safety_check(many, strlen(many), NULL, &v, &e) == 0);
		CHECK_INT(v.risk, RISK_CRITICAL);
		CHECK(has_rule(&v, "rm-root"));
		CHECK(has_rule(&v, "kill-init"));
		CHECK(v.n_reasons <= SAFETY_MAX_REASONS);
	}
	free(s);
}

TEST(safety_home_option)
{
	struct safety_opts o = {NULL, "/data/me"};
	struct safety_verdict v;
	struct err e;
	const char *cmd = "rm -rf /data/me";

	/* Without $HOME known, /data/me is an ordinary path... */
	REQUIRE(safety_check(cmd, strlen(cmd), NULL, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_MODERATE);
	/* ...with it, it is the home directory. */
	REQUIRE(safety_check(cmd, strlen(cmd), &o, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_CRITICAL);
	CHECK(has_rule(&v, "rm-home"));
	cmd = "rm -rf /data/me/.ssh";
	REQUIRE(safety_check(cmd, strlen(cmd), &o, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_HIGH);
	cmd = "rm -rf /data/meow";
	REQUIRE(safety_check(cmd, strlen(cmd), &o, &v, &e) == 0);
	CHECK_INT(v.risk, RISK_MODERATE);
}

/* The index caro uses was generated at build time (tools/safety_gen.c):
 * it must be the one the tables give now, entry by entry. */
static bool same_entries(const struct safety_index *ga, const struct safety_pentry *a,
			 const struct safety_index *gb, const struct safety_pentry *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].len != b[i].len ||
		    memcmp(ga->pool + a[i].off, gb->pool + b[i].off, a[i].len) != 0 ||
		    a[i].rule != b[i].rule || a[i].ro != b[i].ro || a[i].opt != b[i].opt ||
		    a[i].cls != b[i].cls ||
		    a[i].next != b[i].next) {
			t_fail(__FILE__, __LINE__, "entry %zu (%.*s) differs", i, (int)b[i].len,
			       gb->pool + b[i].off);
			return false;
		}
	return true;
}

TEST(safety_generated_index_current)
{
	const struct safety_index *g = &safety_index_compiled;
	struct safety_index b;

	safety_index_build(&b);
	CHECK_INT((int)g->n_entries, (int)b.n_entries);
	CHECK_INT((int)g->n_prefixes, (int)b.n_prefixes);
	if (g->n_entries == b.n_entries && g->n_prefixes == b.n_prefixes) {
		CHECK(same_entries(g, g->entries, &b, b.entries, b.n_entries));
		CHECK(same_entries(g, g->prefixes, &b, b.prefixes, b.n_prefixes));
	}
	CHECK(memcmp(g->bucket_head, b.bucket_head, SAFETY_INDEX_BUCKETS * sizeof(int)) == 0);
	/* Every name is found through its bucket. */
	for (size_t i = 0; i < g->n_entries; i++) {
		int k = g->bucket_head[safety_name_hash(g->pool + g->entries[i].off, g->entries[i].len)];

		while (k >= 0 && (size_t)k != i)
			k = g->entries[k].next;
		if (k < 0) {
			t_fail(__FILE__, __LINE__, "entry %zu is not in its bucket", i);
			break;
		}
	}
	free((void *)b.pool);
	free((void *)b.entries);
	free((void *)b.prefixes);
	free((void *)b.bucket_head);
}

/* The options of words (space-separated) under prog's row of the option
 * table, as opt_next gives them: "letter=value" or "name=value" each,
 * joined by blanks; stop ends them at the first operand. */
static void opts_of(const char *prog, const char *sub, const char *words, bool stop, char *out,
		    size_t cap)
{
	struct sword av[16];
	char buf[256], *save = NULL, *w;
	struct cmd c;
	struct optit it = OPTIT_INIT;
	struct opt o;
	size_t n = 0, used = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	memset(av, 0, sizeof(av));
	memset(&c, 0, sizeof(c));
	av[n].s = prog;
	av[n++].len = strlen(prog);
	for (w = strtok_r(buf, " ", &save); w && n < 16; w = strtok_r(NULL, " ", &save)) {
		av[n].s = w;
		av[n++].len = strlen(w);
	}
	c.prog = prog;
	c.av = av;
	c.ac = n;
	c.opt = safety_optspec(prog, sub);
	it.stop = stop;
	out[0] = '\0';
	while (opt_next(&c, &it, &o) && used + 1 < cap) {
		int k = o.letter ? snprintf(out + used, cap - used, "%s%c", used ? " " : "", o.letter)
				 : snprintf(out + used, cap - used, "%s%.*s", used ? " " : "",
					    (int)o.name_len, o.name);

		used += (size_t)k;
		if (o.val && used + 1 < cap)
			used += (size_t)snprintf(out + used, cap - used, "=%s", o.val);
	}
	if (stop && used + 1 < cap)
		snprintf(out + used, cap - used, "%s@%zu", used ? " " : "", it.i);
}

TEST(safety_option_table)
{
	char got[256];

	/* A cluster's value letter takes the next word, or the rest. */
	opts_of("curl", NULL, "-fsSLo out.txt https://x -H X:y", false, got, sizeof(got));
	CHECK_STR(got, "f s S L o=out.txt H=X:y");
	opts_of("curl", NULL, "-oout.txt --output=o2 --data @f -- -X", false, got, sizeof(got));
	CHECK_STR(got, "o=out.txt output=o2 data=@f");
	/* -i takes no word in xargs; -I does. */
	opts_of("xargs", NULL, "-i -I {} rm", false, got, sizeof(got));
	CHECK_STR(got, "i I={}");
	/* sqlite3's -cmd is a long option with one dash. */
	opts_of("sqlite3", NULL, "-header -cmd .tables db", false, got, sizeof(got));
	CHECK_STR(got, "header cmd=.tables");
	/* A subcommand's own row; stop ends at the image (@ its index). */
	opts_of("docker", "run", "-itv /:/h --rm -w /h alpine rm -rf /h", true, got, sizeof(got));
	CHECK_STR(got, "i t v=/:/h rm w=/h @6");
	opts_of("docker", "run", "--rm -- alpine", true, got, sizeof(got));
	CHECK_STR(got, "rm @3");
	/* A program with no row: every option is a flag. */
	opts_of("frobnicate", NULL, "-x y --z w", false, got, sizeof(got));
	CHECK_STR(got, "x z");
	CHECK(opt_takes_next(safety_optspec("sudo", NULL), "-u"));
	CHECK(!opt_takes_next(safety_optspec("sudo", NULL), "-uroot"));
	CHECK(!opt_takes_next(safety_optspec("sudo", NULL), "--"));
	CHECK(!opt_takes_next(NULL, "-u"));
}
