# lib/infer: per-architecture kernel files get their own flags, and only
# the file for the target architecture is built (the other one's
# intrinsics would not compile). The target is the compiler's, so a cross
# build (CC=aarch64-linux-gnu-gcc) picks the arm64 file.
INFER_TARGET := $(shell $(CC) -dumpmachine 2>/dev/null)

ifeq ($(filter x86_64-% amd64-%,$(INFER_TARGET)),)
LIB_SRC := $(filter-out lib/infer/kern_x86.c,$(LIB_SRC))
endif
ifeq ($(filter aarch64-% arm64-%,$(INFER_TARGET)),)
LIB_SRC := $(filter-out lib/infer/kern_arm.c,$(LIB_SRC))
endif

$(O)/%/lib/infer/kern_x86.o: XCFLAGS += -mavx2 -mfma -mf16c

# The fuzz build compiles all of lib/ with one set of flags; the fuzzed
# code (the GGUF reader) needs no kernels, and clang refuses AVX2
# intrinsics without -mavx2, so the x86 file is left out there and
# kern_ref.c's stand-in is not built either: fuzz targets must not call
# kern_get().
FUZZ_EXCLUDE += lib/infer/kern_x86.c lib/infer/kern_arm.c
