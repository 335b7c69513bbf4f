/*
 * tdata.h: reading the table-driven cases in tests/data (.tsv files): one case a
 * line, fields separated by tabs, # starts a comment line, blank lines are
 * skipped. Fields may use C escapes (t_unescape).
 */
#ifndef CARO_TDATA_H
#define CARO_TDATA_H

#include "buf.h"

#define TDATA_MAX_FIELDS 8

struct tdata {
	char *text;     /* the whole file */
	char *pos;      /* where the next line starts */
	int line;       /* number of the current line */
	char *f[TDATA_MAX_FIELDS];
	int n;          /* fields on the current line */
};

/* Open tests/data/NAME; false (and a test failure) when it cannot be read. */
bool tdata_open(struct tdata *t, const char *name);
/* Move to the next case; false at the end. Fields point into t->text. */
bool tdata_next(struct tdata *t);
void tdata_close(struct tdata *t);

/* Decode \e \n \r \t \\ \xHH in s into out (reset first). */
void t_unescape(const char *s, struct buf *out);

#endif
