/* test_keyseq.c: key names for `caro init`, from tests/data/keyseq.tsv. */
#include "keyseq.h"
#include "t.h"
#include "tdata.h"

TEST(keyseq_table)
{
	struct tdata t;
	struct buf b = BUF_INIT;
	int cases = 0;

	if (!tdata_open(&t, "keyseq.tsv"))
		return;
	while (tdata_next(&t)) {
		struct keyseq k;
		struct err e;
		int rc = keyseq_parse(t.f[0], &k, &e);

		cases++;
		if (t.n == 2 && str_eq(t.f[1], "error")) {
			if (rc != -1 || e.code != ERR_USAGE)
				t_fail(__FILE__, __LINE__, "line %d: %s should be refused", t.line, t.f[0]);
			continue;
		}
		if (rc != 0 || t.n != 5) {
			t_fail(__FILE__, __LINE__, "line %d: %s: %s", t.line, t.f[0],
			       rc ? e.msg : "expected 5 fields");
			continue;
		}
		for (int style = 0; style < 4; style++) {
			buf_reset(&b);
			buf_adds(&b, "");
			if (style < 3)
				keyseq_format(&k, (enum keyseq_style)style, &b);
			else
				keyseq_describe(&k, &b);
			if (!str_eq(b.s, t.f[1 + style]))
				t_fail(__FILE__, __LINE__, "line %d: %s as style %d: got %s, want %s",
				       t.line, t.f[0], style, b.s, t.f[1 + style]);
		}
	}
	CHECK(cases >= 30);
	buf_release(&b);
	tdata_close(&t);
}
