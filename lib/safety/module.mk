# lib/safety: the program index (every name in the rule, allow-list and
# class tables, hashed) is built at build time, not at every caro start:
# tools/safety_gen.c runs safety_index_build over the tables and writes it
# as const C data, compiled into libcaro.a like any lib source. The
# generator is built from the checker's own sources with
# SAFETY_INDEX_RUNTIME (they build the index on first use instead of
# referring to the generated one), on the build machine (HOSTCC).
HOSTCC ?= $(CC)
SAFETY_GEN_SRC := tools/safety_gen.c $(wildcard lib/safety/*.c lib/shell/*.c) lib/buf.c \
	lib/err.c lib/xalloc.c lib/utf8.c
LIB_GEN_SRC += $(O)/gen/safety_index.c
TOOL_SRC := $(filter-out tools/safety_gen.c,$(TOOL_SRC))

$(O)/gen/safety_gen: $(SAFETY_GEN_SRC) $(wildcard lib/*.h lib/safety/*.h lib/shell/*.h tools/cgen.h) \
		| $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(CFLAGS_rel) -DSAFETY_INDEX_RUNTIME -o $@ $(SAFETY_GEN_SRC)

# Written to a temporary first, so a failed run leaves no table behind.
$(O)/gen/safety_index.c: $(O)/gen/safety_gen
	$(Q)$< > $@.tmp && mv $@.tmp $@
