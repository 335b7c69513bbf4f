/*
 * t.h: the unit-test harness. One runner (tests/unit/main.c) links every
 * tests/unit/ file; each TEST registers itself before main runs, so adding a
 * suite needs no table edit.
 *
 *   TEST(buf_grows) { struct buf b = BUF_INIT; ...; CHECK(b.len == 3); }
 *
 * CHECK* record a failure and continue; REQUIRE* return from the test.
 */
#ifndef CARO_T_H
#define CARO_T_H

#include "common.h"

struct t_case {
	const char *name;
	const char *file;
	void (*fn)(void);
	struct t_case *next;
};

void t_register(struct t_case *c);
void t_fail(const char *file, int line, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Path of a file under ../shared (CARO_SHARED), in a static buffer. */
const char *t_shared(const char *rel);
/* Path of a file under tests/data. */
const char *t_data(const char *rel);
/* Read a whole file (caller frees); NULL on error. */
char *t_read_file(const char *path, size_t *len);
/* A fresh temporary directory for this test (removed at exit). */
const char *t_tmpdir(void);

#define TEST(name)                                                          \
	static void test_##name(void);                                      \
	static struct t_case t_case_##name = {#name, __FILE__, test_##name, NULL}; \
	__attribute__((constructor)) static void t_reg_##name(void)         \
	{                                                                   \
		t_register(&t_case_##name);                                 \
	}                                                                   \
	static void test_##name(void)

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			t_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);     \
	} while (0)

#define REQUIRE(cond)                                                       \
	do {                                                                \
		if (!(cond)) {                                              \
			t_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);   \
			return;                                             \
		}                                                           \
	} while (0)

#define CHECK_INT(a, b)                                                     \
	do {                                                                \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);     \
		if (t_a_ != t_b_)                                           \
			t_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", \
			       #a, #b, t_a_, t_b_);                         \
	} while (0)

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *t_a_ = (a), *t_b_ = (b);                        \
		if (!str_eq(t_a_, t_b_))                                    \
			t_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", \
			       #a, #b, t_a_ ? t_a_ : "(null)",              \
			       t_b_ ? t_b_ : "(null)");                     \
	} while (0)

#endif
