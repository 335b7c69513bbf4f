/* tdata.c: the tab-separated case files of tests/data. */
#include "tdata.h"

#include "t.h"

bool tdata_open(struct tdata *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->text = t_read_file(t_data(name), NULL);
	if (!t->text) {
		t_fail(__FILE__, __LINE__, "cannot read %s", t_data(name));
		return false;
	}
	t->pos = t->text;
	return true;
}

bool tdata_next(struct tdata *t)
{
	while (t->pos && *t->pos) {
		char *line = t->pos, *end = strchr(line, '\n');

		t->line++;
		if (end) {
			*end = '\0';
			t->pos = end + 1;
		} else {
			t->pos = NULL;
		}
		if (!*line || *line == '#')
			continue;
		t->n = 0;
		for (char *f = line; f && t->n < TDATA_MAX_FIELDS; t->n++) {
			char *tab = strchr(f, '\t');

			t->f[t->n] = f;
			if (tab)
				*tab++ = '\0';
			f = tab;
		}
		return true;
	}
	return false;
}

void tdata_close(struct tdata *t)
{
	free(t->text);
	t->text = t->pos = NULL;
}

void t_unescape(const char *s, struct buf *out)
{
	buf_reset(out);
	buf_adds(out, "");
	for (; *s; s++) {
		if (*s != '\\' || !s[1]) {
			buf_addch(out, *s);
			continue;
		}
		switch (*++s) {
		case 'e': buf_addch(out, 0x1b); break;
		case 'n': buf_addch(out, '\n'); break;
		case 'r': buf_addch(out, '\r'); break;
		case 't': buf_addch(out, '\t'); break;
		case '\\': buf_addch(out, '\\'); break;
		case 'x': {
			char hex[3] = {s[1], s[1] ? s[2] : '\0', '\0'};

			buf_addch(out, (char)strtol(hex, NULL, 16));
			s += 2;
			break;
		}
		default:
			buf_addch(out, '\\');
			buf_addch(out, *s);
		}
	}
}
