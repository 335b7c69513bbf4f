# lib/infer: per-architecture kernel files get their own flags, and only
# the file for the target architecture is built (the other one's
# intrinsics would not compile). The target is the compiler's, so a cross
# build (CC=aarch64-linux-gnu-gcc) picks the arm64 file.
INFER_TARGET := $(shell $(CC) -dumpmachine 2>/dev/null)

ifeq ($(filter x86_64-% amd64-%,$(INFER_TARGET)),)
LIB_SRC := $(filter-out lib/infer/kern_x86.c lib/infer/kern_vnni.c,$(LIB_SRC))
endif
ifeq ($(filter aarch64-% arm64-%,$(INFER_TARGET)),)
LIB_SRC := $(filter-out lib/infer/kern_arm.c,$(LIB_SRC))
endif

$(O)/%/lib/infer/kern_x86.o: XCFLAGS += -mavx2 -mfma -mf16c
# kern_x86.c again for AVX-512 VNNI (kern_vnni.c includes it). 256-bit
# vectors: the tiles are shared with the AVX2 build, and wider vectors
# would lower the clock on some Intel parts for little gain here.
$(O)/%/lib/infer/kern_vnni.o: XCFLAGS += -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl \
	-mavx512vnni -mprefer-vector-width=256

# The fuzz build compiles all of lib/ in one clang command with one set of
# flags; clang refuses AVX2 intrinsics without -mavx2, so on x86 the whole
# fuzz binary gets the flags (it runs on the machine that builds it).
ifneq ($(filter x86_64-% amd64-%,$(INFER_TARGET)),)
FUZZ_XCFLAGS += -mavx2 -mfma -mf16c
endif
