/* fuzz_gguf.c: libFuzzer target for the GGUF reader. Every input must be
 * accepted or rejected with an error; an accepted one is walked fully
 * (every key, every array element, every tensor byte range). */
#include "infer/gguf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err;
	struct gguf *g = gguf_open_mem(data, size, &err);
	volatile uint8_t sink = 0;
	uint64_t i, j;

	if (!g)
		return 0;
	for (i = 0; i < gguf_n_kv(g); i++) {
		const struct gguf_kv *kv = gguf_kv_at(g, i);
		const struct gguf_arr *a = &kv->val.v.arr;
		struct gguf_value v;

		gguf_find(g, "general.architecture");
		if (kv->val.type != GGUF_ARRAY)
			continue;
		for (j = 0; j < a->n && j < 64; j++) {
			gguf_arr_elem(a, j, &v);
			sink ^= (uint8_t)gguf_arr_int(a, j);
		}
		if (a->type == GGUF_STRING && a->n < 100000) {
			struct gguf_str *s = xmallocarray((size_t)a->n + 1, sizeof(*s));

			if (gguf_arr_strs(a, s, &err) == 0)
				for (j = 0; j < a->n; j++)
					if (s[j].len)
						sink ^= (uint8_t)s[j].s[s[j].len - 1];
			free(s);
		}
	}
	for (i = 0; i < gguf_n_tensors(g); i++) {
		const struct gguf_tensor *t = gguf_tensor_at(g, i);

		if (t->size)
			sink ^= ((const uint8_t *)t->data)[t->size - 1];
		gguf_find_tensor(g, t->name);
	}
	(void)sink;
	gguf_close(g);
	return 0;
}
