/* backend.c: the engine registry and the thin wrappers over backend_ops. */
#include "backend.h"

extern const struct backend_ops backend_match_ops;
extern const struct backend_ops backend_local_ops;
extern const struct backend_ops backend_ollama_ops;
extern const struct backend_ops backend_openai_ops;
extern const struct backend_ops backend_test_ops;

/* Engines this build has. An engine named in backend_chain_names but
 * missing here reports "not available" to the user. */
static const struct backend_ops *const registry[] = {
	&backend_match_ops,
	&backend_local_ops,
	&backend_ollama_ops,
	&backend_openai_ops,
	&backend_test_ops,
};

const char *const backend_chain_names[] = {"match", "local", "ollama", "openai", NULL};
static const char *const chain_with_test[] = {"match", "local", "ollama", "openai", "test",
					      NULL};

const char *const *backend_chain(void)
{
	const char *t = getenv("CARO_TEST_ENGINE");

	return t && *t ? chain_with_test : backend_chain_names;
}

const struct backend_ops *backend_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(registry); i++)
		if (str_eq(registry[i]->name, name))
			return registry[i];
	return NULL;
}

bool backend_usable(const struct backend_ops *ops, const struct config *cfg, char *why, size_t cap)
{
	if (cap)
		why[0] = '\0';
	return ops->usable ? ops->usable(cfg, why, cap) : true;
}

int backend_open(const struct backend_ops *ops, const struct config *cfg, struct backend **out,
		 struct err *err)
{
	*out = NULL;
	if (ops->open(cfg, out, err) != 0)
		return -1;
	(*out)->ops = ops;
	return 0;
}

int backend_generate(struct backend *b, const struct gen_request *req, struct gen_answer *ans,
		     struct err *err)
{
	memset(ans, 0, sizeof(*ans));
	if (b->ops->generate(b, req, ans, err) != 0) {
		gen_answer_release(ans);
		return -1;
	}
	if (ans->n == 0)
		return err_set(err, ERR_DECLINED, "%s: no command", b->ops->name);
	return 0;
}

int backend_probe(struct backend *b, struct buf *status, struct err *err)
{
	if (!b->ops->probe) {
		buf_adds(status, "no live check needed");
		return 0;
	}
	return b->ops->probe(b, status, err);
}

void backend_identity(struct backend *b, struct buf *out)
{
	if (b->ops->identity)
		b->ops->identity(b, out);
	else
		buf_adds(out, b->ops->name);
}

const char *backend_name(const struct backend *b)
{
	return b->ops->name;
}

void backend_close(struct backend *b)
{
	if (b)
		b->ops->close(b);
}

bool backend_should_fall_back(const struct err *e)
{
	switch (e->code) {
	case ERR_DECLINED:
	case ERR_NET:
	case ERR_TIMEOUT:
	case ERR_UNAVAILABLE:
	case ERR_HTTP:
		return true;
	default:
		return false;
	}
}

bool gen_answer_add(struct gen_answer *a, const char *command, const char *explanation)
{
	if (a->n >= GEN_MAX_CANDIDATES || !command || !*command)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (str_eq(a->c[i].command, command))
			return false;
	a->c[a->n].command = xstrdup(command);
	a->c[a->n].explanation = explanation ? xstrdup(explanation) : NULL;
	a->n++;
	return true;
}

void gen_answer_release(struct gen_answer *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->c[i].command);
		free(a->c[i].explanation);
	}
	a->n = 0;
}
