/*
 * cgen.h: writing C source from the build-time table generators
 * (tools/match_gen.c, tools/safety_gen.c).
 */
#ifndef CARO_CGEN_H
#define CARO_CGEN_H

#include <ctype.h>
#include <stdio.h>

/* A C string literal for the n bytes at s. Octal escapes are always three
 * digits, so a following digit cannot extend one; '?' is escaped so no
 * trigraph can form. */
static inline void cgen_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c == '?' || !isprint(c))
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

#endif
