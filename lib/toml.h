/*
 * toml.h: the TOML subset caro's configuration uses.
 *
 * Supported: [tables] and [dotted.tables], bare/quoted/dotted keys, basic
 * strings with escapes, literal strings, integers, floats, booleans, and
 * arrays of strings (over several lines, with a trailing comma). Anything
 * else (inline tables, arrays of tables, multi-line strings, dates) is a
 * clear error with its line, never silently misread.
 *
 * Every entry is flattened to a full name ("ollama.host") and keeps the
 * byte range of its value, so `caro config set` can rewrite one value and
 * keep the rest of the file, comments included, as it was.
 */
#ifndef CARO_TOML_H
#define CARO_TOML_H

#include "common.h"
#include "err.h"

#define TOML_MAX_INPUT (1u << 20)
#define TOML_MAX_ARRAY 1024

enum toml_type { TOML_STRING, TOML_INT, TOML_FLOAT, TOML_BOOL, TOML_ARRAY };

struct toml_entry {
	char *name;       /* "table.key" or "key" at the root */
	enum toml_type type;
	char *s;          /* TOML_STRING */
	long long i;      /* TOML_INT */
	double f;         /* TOML_FLOAT */
	bool b;           /* TOML_BOOL */
	char **arr;       /* TOML_ARRAY of strings */
	size_t n_arr;
	int line;         /* 1-based */
	size_t val_start; /* byte range of the value in the text */
	size_t val_end;
};

struct toml_table {
	char *name;
	int line;
	size_t start;     /* byte offset of the header line */
	size_t end;       /* byte offset just past the header line */
};

struct toml_doc {
	struct toml_entry *e;
	size_t n;
	struct toml_table *t;
	size_t n_tables;
};

/* Parse text (len bytes). On error, err->msg reads "line N: what" and doc
 * is left empty. Release doc with toml_doc_release either way. */
int toml_parse(const char *text, size_t len, struct toml_doc *doc, struct err *err);
void toml_doc_release(struct toml_doc *doc);
const struct toml_entry *toml_get(const struct toml_doc *doc, const char *name);
const char *toml_type_name(enum toml_type t);

/* Append s to b as a TOML basic string, quotes included. */
struct buf;
void toml_quote(struct buf *b, const char *s);

#endif
