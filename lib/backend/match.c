/* backend/match.c: the pattern engine (lib/match) as a backend. */
#include "backend.h"

#include "match/match.h"

static int match_open(const struct config *cfg, struct backend **out, struct err *err)
{
	UNUSED(cfg);
	UNUSED(err);
	*out = xcalloc(1, sizeof(**out));
	return 0;
}

static int match_generate(struct backend *b, const struct gen_request *req, struct gen_answer *ans,
			  struct err *err)
{
	struct match_opts opts = {req->plat, req->max_candidates};
	struct match_result r = {0};
	int rc;

	UNUSED(b);
	rc = match_request(req->text, req->len, &opts, &r, err);
	for (size_t i = 0; rc == 0 && i < r.n; i++)
		gen_answer_add(ans, r.c[i].command, r.c[i].explanation);
	match_result_release(&r);
	return rc;
}

static void match_close(struct backend *b)
{
	free(b);
}

const struct backend_ops backend_match_ops = {
	.name = "match",
	.open = match_open,
	.generate = match_generate,
	.close = match_close,
};
