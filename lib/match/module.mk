# lib/match: the engine's tables (vocabulary hash, per-word synonyms,
# phrases, cues and number values, typo buckets, compiled intents, trigger
# index) are built at build time, not at every caro start: tools/match_gen.c
# runs lib/match/match_build.c over the data and writes them as const C
# data, compiled into libcaro.a like any lib source (and into the fuzz
# binaries). The generator links only the data and the builder, because
# libcaro.a contains its output; it runs on the build machine, so a cross
# build sets HOSTCC.
HOSTCC ?= $(CC)
MATCH_GEN_SRC := tools/match_gen.c lib/match/match_build.c lib/match/match_lex.c \
	lib/match/match_intents.c lib/xalloc.c lib/err.c
LIB_GEN_SRC += $(O)/gen/match_tables.c
TOOL_SRC := $(filter-out tools/match_gen.c,$(TOOL_SRC))

$(O)/gen/match_gen: $(MATCH_GEN_SRC) $(wildcard lib/*.h lib/match/*.h) tools/cgen.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(CFLAGS_rel) -o $@ $(MATCH_GEN_SRC)

# Written to a temporary first, so a failed run leaves no table behind.
$(O)/gen/match_tables.c: $(O)/gen/match_gen
	$(Q)$< > $@.tmp && mv $@.tmp $@
