# caro: one plain Makefile.
#
#   make                 build ./caro (installs missing Debian packages first)
#   make test            unit suites + CLI tests, plain and under ASan/UBSan
#   make eval            score the pattern engine and the checker on ../shared/eval
#   make bench           benchmarks, written to build/bench.json
#   make bench-gate      instruction counts against bench/baseline.json (CI)
#   make fuzz            libFuzzer targets (clang), FUZZ_SECONDS each; a target
#                        may have tests/fuzz/NAME.seeds.sh to write seeds
#                        made at run time (e.g. from ../shared) to build/
#   make install         PREFIX=/usr/local DESTDIR=
#
# Sources are found by wildcard: a new lib/<module>/x.c or tests/unit/test_x.c
# needs no edit here. A module that needs its own flags (SIMD kernels) puts
# them in lib/<module>/module.mk.

# The module.mk files included below define rules of their own: without
# this, plain `make` would build the first of those instead of ./caro.
.DEFAULT_GOAL := all

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
O := build
SHARED ?= ../shared
FUZZ_SECONDS ?= 30
# Extra libFuzzer flags, e.g. FUZZ_FLAGS=-max_len=16384
FUZZ_FLAGS ?=
# V=1 shows compiler command lines.
Q := $(if $(V),,@)

PKGS := sqlite3 libcjson libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is not linked: lib/http.c dlopen()s it on first use, because
# linking it costs every caro process ~9 ms and ~7 MB RSS at start-up.
# SQLite comes from its static archive (libsqlite3-dev) when there is one:
# as a shared library its symbol relocations cost every process ~1 M
# instructions at start-up (callgrind: the pattern-engine path runs 1.66 M
# instructions with libsqlite3.so, 0.66 M with the archive), even processes
# that never open the database.
SQLITE_A := $(wildcard $(shell pkg-config --variable=libdir sqlite3 2>/dev/null)/libsqlite3.a)
LIBS := $(or $(SQLITE_A),$(shell pkg-config --libs sqlite3 2>/dev/null)) \
	$(shell pkg-config --libs libcjson 2>/dev/null) -ldl -lm -pthread

# -Wno-format-truncation: snprintf into fixed buffers truncates on purpose.
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wvla \
	-Wno-format-truncation
STD := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_DARWIN_C_SOURCE
CFLAGS_COMMON := $(STD) $(WARN) -Ilib -pthread $(PKG_CFLAGS) $(EXTRA_CFLAGS)

# Compact relative relocations (DT_RELR, binutils 2.38 and glibc 2.36):
# the 14,000 pointers in caro's tables are relocated from a small bitmap
# instead of a 330 KB table, which every process start reads. Measured:
# 60 k fewer instructions (15% of `caro --version`) and 350 KB less RSS,
# ASLR kept. Left out where the linker does not know the option.
RELR := $(shell printf 'int main(void){return 0;}' | $(CC) -x c - -Wl,-z,pack-relative-relocs \
	-o /dev/null 2>/dev/null && echo -Wl,-z,pack-relative-relocs)
CFLAGS_rel := $(CFLAGS_COMMON) -O2 -g
LDFLAGS_rel := -pthread $(RELR)
CFLAGS_asan := $(CFLAGS_COMMON) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS_asan := -pthread -fsanitize=address,undefined

LIB_SRC := $(sort $(wildcard lib/*.c lib/*/*.c))
SRC := $(sort $(wildcard src/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
TOOL_SRC := $(sort $(wildcard tools/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
# Library sources generated under $(O)/gen/ at build time; a module.mk adds
# them with the rule that writes them (lib/match/module.mk).
LIB_GEN_SRC :=

-include $(sort $(wildcard lib/*/module.mk))

DEPS_STAMP := $(O)/.deps-build

.PHONY: all test check unit cli eval bench bench-gate fuzz install uninstall clean deps test-deps
all: caro

$(DEPS_STAMP): tools/deps.sh
	@sh tools/deps.sh build
	@mkdir -p $(@D) && touch $@

deps: $(DEPS_STAMP)

test-deps:
	@sh tools/deps.sh test

# One variant per build flavour: objects, the library archive, the binary,
# the unit runner and the developer tools.
define variant
$(1)_LIB_OBJ := $$(LIB_SRC:%.c=$(O)/$(1)/%.o) $$(LIB_GEN_SRC:$(O)/%.c=$(O)/$(1)/%.o)
$(1)_SRC_OBJ := $$(SRC:%.c=$(O)/$(1)/%.o)
$(1)_UNIT_OBJ := $$(UNIT_SRC:%.c=$(O)/$(1)/%.o)

$(O)/$(1)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_$(1)) $$(XCFLAGS) -MMD -MP -c $$< -o $$@

$(O)/$(1)/gen/%.o: $(O)/gen/%.c | $(DEPS_STAMP)
	@mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS_$(1)) $$(XCFLAGS) -MMD -MP -c $$< -o $$@

$(O)/$(1)/libcaro.a: $$($(1)_LIB_OBJ)
	@rm -f $$@
	$$(Q)ar rcs $$@ $$^

$(O)/$(1)/caro: $$($(1)_SRC_OBJ) $(O)/$(1)/libcaro.a
	$$(Q)$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$($(1)_SRC_OBJ) $(O)/$(1)/libcaro.a $$(LIBS)

$(O)/$(1)/unit: $$($(1)_UNIT_OBJ) $(O)/$(1)/libcaro.a
	$$(Q)$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$($(1)_UNIT_OBJ) $(O)/$(1)/libcaro.a $$(LIBS)

$(O)/$(1)/tools/%: $(O)/$(1)/tools/%.o $(O)/$(1)/libcaro.a
	$$(Q)$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$< $(O)/$(1)/libcaro.a $$(LIBS)

$(O)/$(1)/bench/%: $(O)/$(1)/bench/%.o $(O)/$(1)/libcaro.a
	$$(Q)$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$< $(O)/$(1)/libcaro.a $$(LIBS)

-include $$($(1)_LIB_OBJ:.o=.d) $$($(1)_SRC_OBJ:.o=.d) $$($(1)_UNIT_OBJ:.o=.d)
endef

$(eval $(call variant,rel))
$(eval $(call variant,asan))

TOOLS_rel := $(TOOL_SRC:%.c=$(O)/rel/%)
BENCH_rel := $(BENCH_SRC:%.c=$(O)/rel/%)

caro: $(O)/rel/caro
	cp $< $@

# The kernel and engine tests alone, linked statically, for
# tools/emu_avx512.sh (its guest has no libraries): the archive brings in
# only the members they use.
$(O)/rel/emu/kern_unit: $(O)/rel/tests/unit/main.o $(O)/rel/tests/unit/test_kern.o $(O)/rel/libcaro.a
	@mkdir -p $(@D)
	$(Q)$(CC) -static -pthread -o $@ $^ -lm
$(O)/rel/emu/infer_unit: $(O)/rel/tests/unit/main.o $(O)/rel/tests/unit/test_kern.o \
		$(O)/rel/tests/unit/test_infer.o $(O)/rel/libcaro.a
	@mkdir -p $(@D)
	$(Q)$(CC) -static -pthread -o $@ $^ -lm

# make test: everything, plain and under sanitizers. CLI tests run against
# both binaries; CARO_SHARED points tests at the read-only fixtures.
test: test-deps caro $(O)/rel/unit $(O)/asan/unit $(O)/asan/caro $(TOOLS_rel)
	@echo "== unit (release)"
	@CARO_SHARED=$(SHARED) $(O)/rel/unit
	@echo "== unit (ASan+UBSan)"
	@CARO_SHARED=$(SHARED) ASAN_OPTIONS=detect_leaks=1 $(O)/asan/unit
	@echo "== cli (release)"
	@CARO=$(CURDIR)/$(O)/rel/caro CARO_SHARED=$(abspath $(SHARED)) CARO_TOOLS=$(CURDIR)/$(O)/rel/tools bats tests/cli
	@echo "== cli (ASan+UBSan)"
	@CARO=$(CURDIR)/$(O)/asan/caro CARO_SHARED=$(abspath $(SHARED)) CARO_TOOLS=$(CURDIR)/$(O)/rel/tools \
		ASAN_OPTIONS=detect_leaks=1 bats tests/cli

check: test

unit: $(O)/rel/unit
	@CARO_SHARED=$(SHARED) $(O)/rel/unit $(T)

cli: caro $(TOOLS_rel)
	@CARO=$(CURDIR)/$(O)/rel/caro CARO_SHARED=$(abspath $(SHARED)) CARO_TOOLS=$(CURDIR)/$(O)/rel/tools bats tests/cli

eval: $(O)/rel/tools/match_eval
	@python3 tools/eval.py --bin $(O)/rel/tools/match_eval --shared $(SHARED) --json $(O)/eval-match.json

bench: test-deps caro $(BENCH_rel) $(TOOLS_rel)
	@sh bench/run.sh

# The CI regression gate: instruction counts (callgrind) of fixed requests
# through the pattern engine, the checker and a cache hit, against
# bench/baseline.json. Repeatable on a busy machine, unlike wall time.
bench-gate: test-deps caro
	@sh bench/icount.sh --gate

# libFuzzer: one binary per tests/fuzz/fuzz_*.c, linked against the library
# built by clang with the fuzzer's coverage instrumentation.
FUZZ_CC ?= clang
FUZZ_CFLAGS := $(STD) -Ilib $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -pthread
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(O)/fuzz/%)
$(O)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(LIB_GEN_SRC) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_XCFLAGS) -o $@ $< \
		$(filter-out $(FUZZ_EXCLUDE),$(LIB_SRC) $(LIB_GEN_SRC)) $(LIBS)

# Seeds come from tests/fuzz/seeds/NAME and from tests/fuzz/NAME.seeds.sh,
# which writes them at run time (from ../shared, or with tools/gguf_write).
fuzz:
	@sh tools/deps.sh fuzz
	@$(MAKE) --no-print-directory $(FUZZ_BINS) $(O)/rel/tools/gguf_write $(O)/rel/caro
	@for f in $(FUZZ_BINS); do \
		n=$$(basename $$f); mkdir -p $(O)/fuzz/corpus/$$n; \
		echo "== $$n ($(FUZZ_SECONDS)s)"; \
		seeds=""; [ -d tests/fuzz/seeds/$$n ] && seeds=tests/fuzz/seeds/$$n; \
		if [ -f tests/fuzz/$$n.seeds.sh ]; then \
			rm -rf $(O)/fuzz/seeds/$$n; \
			sh tests/fuzz/$$n.seeds.sh $(SHARED) $(O)/fuzz/seeds/$$n || exit 1; \
			seeds="$$seeds $(O)/fuzz/seeds/$$n"; \
		fi; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=5 -rss_limit_mb=2048 $(FUZZ_FLAGS) \
			-artifact_prefix=$(O)/fuzz/ $(O)/fuzz/corpus/$$n $$seeds || exit 1; \
	done

install: caro
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 caro $(DESTDIR)$(PREFIX)/bin/caro
	install -m 644 docs/caro.1 $(DESTDIR)$(PREFIX)/share/man/man1/caro.1
	install -m 644 completions/caro.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/caro
	install -m 644 completions/_caro $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_caro
	install -m 644 completions/caro.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/caro.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/caro $(DESTDIR)$(PREFIX)/share/man/man1/caro.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/caro \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_caro \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/caro.fish

clean:
	rm -rf $(O) caro
