/*
 * answer.c: the answer parser. One pass of clean-ups over a private copy
 * of the text, then a choice among its lines, then lib/shell decides.
 *
 *   1. refuse what is not text (invalid UTF-8, control bytes) or too long;
 *   2. CRLF to LF; if the model was cut off, drop its partial last line;
 *   3. drop <think>...</think> (and <thinking>, <reasoning>) blocks, and
 *      chat-template tokens (<|im_end|>, </s>) at either end;
 *   4. the first fenced block that holds code wins; without fences, the
 *      lines are sorted into commands, comments, prose and blanks, and
 *      the one run of command lines wins (two runs: several commands);
 *      with "$ " lines, those are the commands; with only prose, a single
 *      `inline code` span;
 *   5. per line: no "$ ", no "Command: " label, no wrapping backticks;
 *   6. lib/shell must parse the result as one complete command.
 *
 * Prose is told from commands by shape, not by vocabulary: a capitalised
 * first word, several words and no shell operators or flags, or a
 * sentence ending. Commands whose name is capitalised (Rscript) lose out;
 * declining is better than running a sentence.
 */
#include "answer.h"

#include "buf.h"
#include "prompt.h"
#include "shell/shell.h"
#include "utf8.h"

#include <ctype.h>

enum kind { K_BLANK, K_COMMENT, K_PROSE, K_CMD };

struct line {
	size_t off, len;
};

#define DECLINE(...) err_set(err, ERR_DECLINED, __VA_ARGS__)

/* Case-insensitive search for needle in s[0, n). */
static const char *ci_find(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

/* Remove b->s[from, to). */
static void cut(struct buf *b, size_t from, size_t to)
{
	memmove(b->s + from, b->s + to, b->len - to + 1);
	b->len -= to - from;
}

/* The reasoning tags models wrap their thinking in. */
static const char *const think_tags[] = {"think", "thinking", "reasoning"};

/* Length of "<tag>" (close false) or "</tag>" (close true) at s[0, n)
 * for one of think_tags, or 0; *tag gets which. */
static size_t think_tag_at(const char *s, size_t n, bool close, size_t *tag)
{
	size_t pre = close ? 2 : 1;

	if (n < pre + 2 || s[0] != '<' || (close && s[1] != '/'))
		return 0;
	for (size_t t = 0; t < ARRAY_SIZE(think_tags); t++) {
		size_t tl = strlen(think_tags[t]);

		if (n >= pre + tl + 1 && strncasecmp(s + pre, think_tags[t], tl) == 0 &&
		    s[pre + tl] == '>') {
			*tag = t;
			return pre + tl + 1;
		}
	}
	return 0;
}

/* Drop reasoning blocks, in one pass. A closing tag with no opening one
 * before it (chat templates that put <think> in the prompt) drops all
 * before it; an opening tag never closed drops all after it. */
static void strip_think(struct buf *b)
{
	struct buf out = BUF_INIT;
	size_t i = 0, k, tag;

	while (i < b->len) {
		const char *lt = memchr(b->s + i, '<', b->len - i);
		size_t at = lt ? (size_t)(lt - b->s) : b->len;

		buf_add(&out, b->s + i, at - i);
		i = at;
		if (i >= b->len)
			break;
		if ((k = think_tag_at(b->s + i, b->len - i, false, &tag))) {
			char close[32];
			const char *c;

			snprintf(close, sizeof(close), "</%s>", think_tags[tag]);
			c = ci_find(b->s + i + k, b->len - i - k, close);
			if (!c)
				break;
			i = (size_t)(c - b->s) + strlen(close);
		} else if ((k = think_tag_at(b->s + i, b->len - i, true, &tag))) {
			buf_reset(&out);
			i += k;
		} else {
			buf_addch(&out, '<');
			i++;
		}
	}
	buf_reset(b);
	buf_add(b, buf_str(&out), out.len);
	buf_release(&out);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Length of a chat-template token at s (<|name|>, </s>, <s>), or 0. */
static size_t special_token(const char *s, size_t n)
{
	size_t i;

	if (n >= 4 && memcmp(s, "</s>", 4) == 0)
		return 4;
	if (n >= 3 && memcmp(s, "<s>", 3) == 0)
		return 3;
	if (n < 4 || s[0] != '<' || s[1] != '|')
		return 0;
	for (i = 2; i < n && i < 64 && (isalnum((unsigned char)s[i]) || strchr("_.-", s[i])); i++)
		;
	return i + 1 < n && s[i] == '|' && s[i + 1] == '>' ? i + 2 : 0;
}

/* Template tokens leak at the ends of an answer; inside it, <| could be
 * part of a command's quoted text, so only the ends are cleaned. */
static void strip_special(struct buf *b)
{
	size_t start = 0, end = b->len, k;
	bool again = true;

	while (again) {
		again = false;
		while (start < end && is_space(b->s[start]))
			start++;
		if ((k = special_token(b->s + start, end - start))) {
			start += k;
			again = true;
		}
		while (end > start && is_space(b->s[end - 1]))
			end--;
		/* A token ends with '>' and is at most 66 bytes long. */
		for (size_t i = end > start + 66 ? end - 66 : start; i < end && !again; i++) {
			if (b->s[i] == '<' && special_token(b->s + i, end - i) == end - i) {
				end = i;
				again = true;
			}
		}
	}
	buf_truncate(b, end);
	cut(b, 0, start);
}

static void trim(const char *s, struct line *l)
{
	while (l->len && (s[l->off] == ' ' || s[l->off] == '\t')) {
		l->off++;
		l->len--;
	}
	while (l->len && (s[l->off + l->len - 1] == ' ' || s[l->off + l->len - 1] == '\t'))
		l->len--;
}

static bool is_fence(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (n - i < 3 || (memcmp(s + i, "```", 3) != 0 && memcmp(s + i, "~~~", 3) != 0))
		return false;
	/* ```cmd``` on one line is code, not a fence. */
	return !(n - i > 6 && memcmp(s + n - 3, s + i, 3) == 0);
}

/* "1. ", "2) ", "- ", "* ", "+ ": a markdown list item. */
static size_t list_marker(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && strchr("-*+", s[0]) && s[1] == ' ')
		return 2;
	while (i < n && i < 3 && isdigit((unsigned char)s[i]))
		i++;
	if (i && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ')
		return i + 2;
	return 0;
}

/* Is s[0, n) one `code` span and nothing else? */
static bool whole_code_span(const char *s, size_t n)
{
	return n >= 3 && s[0] == '`' && s[n - 1] == '`' && memchr(s + 1, '`', n - 2) == NULL;
}

/* Word shape facts used to tell prose from commands. */
struct shape {
	int words;
	bool cap;      /* first word: a capitalised word, maybe with , : ! ? . */
	bool flag;     /* a later word starts with -x */
	bool ops;      /* | < > $ ; & = \ outside `code` spans */
	bool code;     /* has a `code` span */
	int outside;   /* words outside `code` spans */
	char last;     /* last character */
};

static void shape_of(const char *s, size_t n, struct shape *sh)
{
	bool in_code = false, in_word = false, in_out_word = false;
	size_t w0 = 0;

	memset(sh, 0, sizeof(*sh));
	sh->last = n ? s[n - 1] : 0;
	while (w0 < n && !is_space(s[w0]))
		w0++;
	if (w0 && isupper((unsigned char)s[0])) {
		size_t end = w0;

		while (end > 1 && strchr(",:;.!?", s[end - 1]))
			end--;
		sh->cap = true;
		for (size_t i = 1; i < end; i++)
			if (!islower((unsigned char)s[i]) && s[i] != '\'')
				sh->cap = false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '`') {
			in_code = !in_code;
			sh->code = true;
			in_out_word = false;
			continue;
		}
		if (is_space(c)) {
			in_word = in_out_word = false;
			continue;
		}
		if (!in_word) {
			sh->words++;
			if (i > 0 && c == '-' && i + 1 < n && isalnum((unsigned char)s[i + 1]))
				sh->flag = true;
		}
		in_word = true;
		if (!in_code) {
			if (!in_out_word)
				sh->outside++;
			in_out_word = true;
			if (strchr("|<>$;&=\\", c))
				sh->ops = true;
		}
	}
}

static bool all_words_plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)s[i]) && !is_space(s[i]) && !strchr(",.!?:;'\"()", s[i]))
			return false;
	return true;
}

/* Length of a label such as "The command is: " at the start of s, or 0:
 * a capitalised phrase of plain words ending in ": " with text after it.
 * *cmd says whether the label introduces a command ("Command: ls") or
 * prose ("Note: this deletes files"): the phrase's last word decides. */
static size_t label_len(const char *s, size_t n, bool *cmd)
{
	static const char *const intro[] = {"command", "commands", "run", "answer", "solution", "bash",
					    "sh", "shell", "zsh", "fish", "cmd", "try", "use", "is",
					    "code", "terminal", "this", "here"};
	const char *colon = memchr(s, ':', n), *w;
	size_t pre, wl;
	struct shape sh;

	*cmd = false;
	if (!colon || colon + 2 >= s + n || colon[1] != ' ' || !isupper((unsigned char)s[0]))
		return 0;
	pre = (size_t)(colon - s);
	shape_of(s, pre, &sh);
	if (sh.words > 6 || !all_words_plain(s, pre))
		return 0;
	for (w = colon; w > s && !is_space(w[-1]); w--)
		;
	wl = (size_t)(colon - w);
	for (size_t i = 0; i < ARRAY_SIZE(intro); i++)
		if (wl == strlen(intro[i]) && strncasecmp(w, intro[i], wl) == 0)
			*cmd = true;
	return pre + 2;
}

static enum kind classify(const char *s, size_t n, bool continued)
{
	struct shape sh;
	size_t lab;
	bool intro;

	if (n == 0 || is_fence(s, n))
		return K_BLANK;
	if (continued)
		return K_CMD;
	if (s[0] == '#')
		return K_COMMENT;
	/* Commands never start with a dash, a non-ASCII letter, a bullet, a
	 * quote mark or bold text. */
	if (list_marker(s, n) || s[0] == '-' || s[0] == '>' || (unsigned char)s[0] >= 0x80 ||
	    (n >= 2 && memcmp(s, "**", 2) == 0) || (n >= 2 && memcmp(s, "__", 2) == 0))
		return K_PROSE;
	if (whole_code_span(s, n))
		return K_CMD;
	if ((lab = label_len(s, n, &intro)))
		return intro && s[lab] != '-' ? K_CMD : K_PROSE;
	shape_of(s, n, &sh);
	/* Prose that quotes code: "Run `ls -la` to see them." */
	if (sh.code && (sh.cap || strchr(".:!?", sh.last)) && sh.outside >= 2)
		return K_PROSE;
	if (sh.cap && !sh.flag && !sh.ops && (sh.words >= 2 || strchr(".:!?", sh.last)))
		return K_PROSE;
	if (sh.last == ':' && !sh.ops && !sh.flag && (sh.cap || sh.words >= 3))
		return K_PROSE;
	if (!sh.cap && sh.words >= 4 && strchr(".!?", sh.last) && !sh.flag && !sh.ops &&
	    all_words_plain(s, n))
		return K_PROSE;
	return K_CMD;
}

/* Per-line clean-ups of a chosen command line. */
static void clean_line(const char *s, struct line *l, bool fenced)
{
	trim(s, l);
	if (l->len > 2 && s[l->off] == '$' && s[l->off + 1] == ' ') {
		l->off += 2;
		l->len -= 2;
		trim(s, l);
	}
	if (!fenced) {
		bool intro;
		size_t lab = label_len(s + l->off, l->len, &intro);

		if (lab && intro) {
			l->off += lab;
			l->len -= lab;
			trim(s, l);
		}
	}
	if (l->len > 6 && memcmp(s + l->off, "```", 3) == 0 &&
	    memcmp(s + l->off + l->len - 3, "```", 3) == 0) {
		l->off += 3;
		l->len -= 6;
		trim(s, l);
	} else if (whole_code_span(s + l->off, l->len)) {
		l->off++;
		l->len -= 2;
		trim(s, l);
	}
}

/* answer_is_one_command, also saying whether the text merely ended too
 * soon (an open quote, a missing done). */
static bool one_command(const char *s, size_t len, size_t *end, bool *incomplete,
			struct err *err)
{
	struct shell_tree t;
	struct err e;
	bool ok = false;

	shell_tree_init(&t);
	*incomplete = false;
	if (shell_parse(&t, s, len, 0, &e) != 0) {
		*incomplete = t.incomplete;
		if (t.incomplete)
			err_set(err, ERR_DECLINED, "it is not a complete shell command (%s)", e.msg);
		else
			err_set(err, ERR_DECLINED, "it does not parse as a shell command (%s)", e.msg);
		goto out;
	}
	if (!t.root->child) {
		err_set(err, ERR_DECLINED, "it has no command, only comments");
		goto out;
	}
	for (const struct shell_node *n = t.root->child; n; n = n->next) {
		if (n->next && n->sep == SHELL_SEP_NEWLINE) {
			err_set(err, ERR_DECLINED, "it has several commands on separate lines");
			goto out;
		}
		if (!n->next && end)
			*end = n->start + n->len;
	}
	ok = true;
out:
	shell_tree_release(&t);
	return ok;
}

bool answer_is_one_command(const char *s, size_t len, size_t *end, struct err *err)
{
	bool incomplete;

	return one_command(s, len, end, &incomplete, err);
}

static int validate_text(const char *text, size_t len, struct err *err)
{
	size_t bad;

	if (len > ANSWER_MAX_INPUT)
		return DECLINE("the model's answer is longer than %u bytes", ANSWER_MAX_INPUT);
	if (!utf8_valid(text, len, &bad))
		return DECLINE("the model's answer is not text (invalid UTF-8 at byte %zu)", bad);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
			return DECLINE("the model's answer is not text (control byte 0x%02x at byte %zu)",
				       c, i);
	}
	return 0;
}

/* Split b into lines (caller frees *out). */
static size_t split_lines(const struct buf *b, struct line **out)
{
	size_t n = 1, k = 0, start = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->s[i] == '\n';
	*out = xmallocarray(n, sizeof(**out));
	for (size_t i = 0; i <= b->len; i++) {
		if (i == b->len || b->s[i] == '\n') {
			(*out)[k].off = start;
			(*out)[k].len = i - start;
			k++;
			start = i + 1;
		}
	}
	return k;
}

static bool ends_with_backslash(const char *s, const struct line *l)
{
	return l->len && s[l->off + l->len - 1] == '\\';
}

/* The one `code` span among lines that parses as a command: 0 found,
 * 1 none, -1 several. */
static int inline_code(const char *s, const struct line *lines, size_t n, struct buf *cmd,
		       struct err *err)
{
	bool have = false;

	for (size_t i = 0; i < n; i++) {
		const char *p = s + lines[i].off, *e = p + lines[i].len;

		while (p < e) {
			const char *a = memchr(p, '`', (size_t)(e - p)), *z;

			if (!a || !(z = memchr(a + 1, '`', (size_t)(e - a - 1))))
				break;
			if (z > a + 1 && a[1] != '-' && answer_is_one_command(a + 1, (size_t)(z - a - 1),
									      NULL, NULL)) {
				if (have && (cmd->len != (size_t)(z - a - 1) ||
					     memcmp(cmd->s, a + 1, cmd->len) != 0))
					return DECLINE("the model's answer has several commands");
				if (!have)
					buf_add(cmd, a + 1, (size_t)(z - a - 1));
				have = true;
			}
			p = z + 1;
		}
	}
	return have ? 0 : 1;
}

/* Choose the command lines among lines[from, to) and add them to cmd,
 * joined by LF: 0 when found, 1 when there is none, -1 (declined, with
 * err) when there are several. Inside a fence every code line counts
 * (the shell decides whether they are one command). Outside, leading
 * prose is skipped, the first run of command lines is taken, prose after
 * it ends the answer (explanation), and another run of commands before
 * any prose means several commands. */
static int choose_lines(const char *s, const struct line *lines, size_t from, size_t to,
			bool fenced, struct buf *cmd, struct err *err)
{
	enum { BEFORE, IN_RUN, AFTER } state = BEFORE;
	bool prompt = false, any = false;

	for (size_t i = from; i < to; i++) {
		struct line l = lines[i];

		trim(s, &l);
		prompt |= l.len > 2 && s[l.off] == '$' && s[l.off + 1] == ' ';
	}
	for (size_t i = from; i < to; i++) {
		struct line l = lines[i];
		bool cont = i > from && ends_with_backslash(s, &lines[i - 1]);
		enum kind k;

		trim(s, &l);
		if (is_fence(s + l.off, l.len))
			k = K_BLANK;
		else if (prompt)
			k = l.len > 2 && s[l.off] == '$' && s[l.off + 1] == ' ' ? K_CMD : K_BLANK;
		else if (fenced)
			k = l.len == 0 ? K_BLANK : s[l.off] == '#' && !cont ? K_COMMENT : K_CMD;
		else
			k = classify(s + l.off, l.len, cont);
		if (k == K_CMD) {
			if (state == AFTER && !fenced && !prompt)
				return DECLINE("the model's answer has several commands");
			clean_line(s, &l, fenced);
			if (any)
				buf_addch(cmd, '\n');
			buf_add(cmd, s + l.off, l.len);
			any = true;
			state = IN_RUN;
		} else if (k == K_BLANK && state == IN_RUN) {
			state = AFTER;
		} else if (k == K_PROSE && state != BEFORE) {
			break;
		}
	}
	if (any)
		return 0;
	for (size_t i = from; i < to; i++) {
		struct line l = lines[i];

		trim(s, &l);
		if (l.len == strlen(PROMPT_DECLINE) && strncasecmp(s + l.off, PROMPT_DECLINE, l.len) == 0)
			return DECLINE("the model found no command for that");
	}
	return inline_code(s, lines + from, to - from, cmd, err);
}

/* The first fenced block with code in it: its lines are [*from, *to). */
static bool find_fence(const char *s, const struct line *lines, size_t n, size_t *from,
		       size_t *to)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		if (!is_fence(s + lines[i].off, lines[i].len))
			continue;
		for (j = i + 1; j < n && !is_fence(s + lines[j].off, lines[j].len); j++)
			;
		for (size_t k = i + 1; k < j; k++) {
			struct line l = lines[k];

			trim(s, &l);
			if (l.len && s[l.off] != '#') {
				*from = i + 1;
				*to = j;
				return true;
			}
		}
		i = j;
	}
	return false;
}

/* Wrapping double quotes around a whole command with arguments ("ls -la")
 * are a model's quoting, not the shell's. */
static void unquote_whole(struct buf *b)
{
	if (b->len > 2 && b->s[0] == '"' && b->s[b->len - 1] == '"' &&
	    !memchr(b->s + 1, '"', b->len - 2) && memchr(b->s, ' ', b->len)) {
		cut(b, b->len - 1, b->len);
		cut(b, 0, 1);
	}
}

int answer_parse(const char *text, size_t len, const struct answer_opts *opts, char **cmd,
		 struct err *err)
{
	struct buf b = BUF_INIT, c = BUF_INIT;
	struct line *lines = NULL;
	struct err why;
	size_t n, from = 0, to, end = 0;
	bool fenced, incomplete;
	int rc = -1, found;

	*cmd = NULL;
	if (validate_text(text, len, err) != 0)
		return -1;
	/* CRLF and lone CR end lines too. */
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\r') {
			buf_addch(&b, '\n');
			if (i + 1 < len && text[i + 1] == '\n')
				i++;
		} else {
			buf_addch(&b, text[i]);
		}
	}
	buf_addch(&b, '\0');
	b.len--;
	if (!opts->complete) {
		size_t nl = b.len;

		while (nl && b.s[nl - 1] != '\n')
			nl--;
		buf_truncate(&b, nl ? nl - 1 : 0);
	}
	strip_think(&b);
	strip_special(&b);
	n = split_lines(&b, &lines);
	to = n;
	fenced = find_fence(b.s, lines, n, &from, &to);
	found = choose_lines(b.s, lines, from, to, fenced, &c, err);
	if (found < 0)
		goto out;
	while (c.len && is_space(c.s[c.len - 1]))
		c.s[--c.len] = '\0';
	unquote_whole(&c);
	if (found > 0 || c.len == 0) {
		bool blank = true;

		for (size_t i = 0; i < b.len && blank; i++)
			blank = is_space(b.s[i]);
		DECLINE(!opts->complete ? "the model's answer was cut off before a whole command" :
			blank ? "the model's answer is empty" : "the model's answer has no command");
		goto out;
	}
	if (!one_command(c.s, c.len, &end, &incomplete, &why)) {
		/* Fish is not POSIX: a fish line the POSIX parser rejects may
		 * well be right. The safety checker still rates it. */
		if (opts->shell != SHELL_FISH || memchr(c.s, '\n', c.len) || incomplete) {
			err_set(err, ERR_DECLINED, "the model's answer: %s", why.msg);
			goto out;
		}
	} else if (!memchr(c.s, '\n', c.len)) {
		/* A trailing comment on a one-line command is explanation. */
		buf_truncate(&c, end);
		while (c.len && is_space(c.s[c.len - 1]))
			c.s[--c.len] = '\0';
	}
	*cmd = buf_detach(&c);
	rc = 0;
out:
	free(lines);
	buf_release(&b);
	buf_release(&c);
	return rc;
}
