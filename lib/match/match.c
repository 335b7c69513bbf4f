/*
 * match.c: a small first pattern engine: a few intents with slots for
 * paths, extensions, day counts and ports. The full engine (issue 3)
 * replaces this file; the interface in match.h stays.
 */
#include "match.h"

#include "buf.h"

#include <ctype.h>

#define MAX_WORDS 64
#define MAX_REQUEST (100 * 1024)

struct words {
	char w[MAX_WORDS][32];     /* lower-cased, for matching */
	char orig[MAX_WORDS][256]; /* as typed, for values such as paths */
	size_t n;
};

static void split(const char *s, size_t len, struct words *ws)
{
	size_t i = 0;

	ws->n = 0;
	while (i < len && ws->n < MAX_WORDS) {
		size_t k = 0, o = 0;

		while (i < len && (isspace((unsigned char)s[i]) || s[i] == ',' || s[i] == '?'))
			i++;
		while (i < len && !isspace((unsigned char)s[i]) && s[i] != ',' && s[i] != '?') {
			if (k + 1 < sizeof(ws->w[0]))
				ws->w[ws->n][k++] = (char)tolower((unsigned char)s[i]);
			if (o + 1 < sizeof(ws->orig[0]))
				ws->orig[ws->n][o++] = s[i];
			i++;
		}
		if (k) {
			ws->w[ws->n][k] = '\0';
			ws->orig[ws->n][o] = '\0';
			ws->n++;
		}
	}
}

static bool has(const struct words *ws, const char *w)
{
	for (size_t i = 0; i < ws->n; i++)
		if (str_eq(ws->w[i], w))
			return true;
	return false;
}

static const struct { const char *word, *ext; } ext_words[] = {
	{"python", "py"}, {"c", "c"}, {"markdown", "md"}, {"log", "log"}, {"logs", "log"},
	{"javascript", "js"}, {"shell", "sh"}, {"text", "txt"}, {"json", "json"},
};

static const char *find_ext(const struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++) {
		if (ws->w[i][0] == '.' && ws->w[i][1] && strspn(ws->w[i] + 1,
			"abcdefghijklmnopqrstuvwxyz0123456789") == strlen(ws->w[i] + 1))
			return ws->w[i] + 1;
		for (size_t j = 0; j < ARRAY_SIZE(ext_words); j++)
			if (str_eq(ws->w[i], ext_words[j].word))
				return ext_words[j].ext;
	}
	return NULL;
}

/* "last 3 days", "7 days"; "this week" is 7; 0 when absent. */
static long find_days(const struct words *ws)
{
	for (size_t i = 0; i + 1 < ws->n; i++) {
		char *end;
		long n = strtol(ws->w[i], &end, 10);

		if (*end == '\0' && n > 0 && n < 100000 &&
		    (str_eq(ws->w[i + 1], "days") || str_eq(ws->w[i + 1], "day")))
			return n;
		if (str_eq(ws->w[i], "this") && str_eq(ws->w[i + 1], "week"))
			return 7;
	}
	return has(ws, "today") ? 1 : 0;
}

static const char *find_path(const struct words *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		if (ws->w[i][0] == '/' || ws->w[i][0] == '~' || str_startswith(ws->w[i], "./"))
			return ws->orig[i];
	return ".";
}

static long find_port(const struct words *ws)
{
	for (size_t i = 0; i + 1 < ws->n; i++) {
		char *end;
		long n = strtol(ws->w[i + 1], &end, 10);

		if (str_eq(ws->w[i], "port") && *end == '\0' && n > 0 && n < 65536)
			return n;
	}
	return 0;
}

static void add(struct match_result *r, const char *intent, struct buf *cmd, const char *why)
{
	if (r->n >= MATCH_MAX_CANDIDATES)
		return;
	r->c[r->n].command = buf_detach(cmd);
	r->c[r->n].explanation = xstrdup(why);
	r->c[r->n].intent = intent;
	r->c[r->n].score = 0.9;
	r->n++;
}

int match_request(const char *req, size_t len, const struct match_opts *opts,
		  struct match_result *r, struct err *err)
{
	const struct platform *p = opts->plat;
	struct words ws;
	struct buf cmd = BUF_INIT;
	const char *ext;
	long days, port;

	memset(r, 0, sizeof(*r));
	if (len > MAX_REQUEST)
		return err_set(err, ERR_LIMIT, "match: request longer than %d bytes", MAX_REQUEST);
	split(req, len, &ws);
	ext = find_ext(&ws);
	days = find_days(&ws);
	port = find_port(&ws);

	if (port && (has(&ws, "using") || has(&ws, "listening") || has(&ws, "on"))) {
		if (p->os == PLAT_LINUX)
			buf_addf(&cmd, "ss -ltnp 'sport = :%ld'", port);
		else
			buf_addf(&cmd, "lsof -nP -iTCP:%ld -sTCP:LISTEN", port);
		add(r, "port.listener", &cmd, "show the process listening on that TCP port");
	} else if ((has(&ws, "find") || has(&ws, "files")) && (ext || days)) {
		buf_adds(&cmd, "find ");
		buf_add_shquote(&cmd, find_path(&ws));
		buf_adds(&cmd, " -type f");
		if (ext)
			buf_addf(&cmd, " -name '*.%s'", ext);
		if (days)
			buf_addf(&cmd, " -mtime -%ld", days);
		add(r, "find.files", &cmd, "find regular files by name pattern and modification age");
	} else if (has(&ws, "list") && has(&ws, "files")) {
		buf_adds(&cmd, "ls -la ");
		buf_add_shquote(&cmd, find_path(&ws));
		add(r, "ls.all", &cmd, "list every file, hidden ones too, with details");
	} else if (has(&ws, "disk") && (has(&ws, "usage") || has(&ws, "space"))) {
		buf_addf(&cmd, "du -h %s . | sort -h",
			 platform_is_bsd(p, TOOL_DU) ? "-d 1" : "--max-depth=1");
		add(r, "du.dirs", &cmd, "size of each directory here, smallest first");
	}
	if (r->n == 0)
		return err_set(err, ERR_DECLINED, "match: no pattern for this request");
	return 0;
}

void match_result_release(struct match_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->c[i].command);
		free(r->c[i].explanation);
	}
	r->n = 0;
}
