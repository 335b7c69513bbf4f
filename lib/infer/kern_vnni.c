/*
 * kern_vnni.c: the AVX-512 VNNI kernel table.
 *
 * kern_x86.c compiled a second time, with KERN_VNNI set and the AVX-512
 * flags (module.mk): the code is shared and the places where VNNI changes
 * the arithmetic are marked there. kern_x86.c's kern_arch_all() calls
 * kern_x86_vnni() only on a CPU (and OS) that runs AVX-512 F/BW/VL/VNNI.
 *
 * A build that compiles all of lib/ with one set of flags (the fuzz
 * build, which runs on the machine that builds it) does not have the
 * AVX-512 flags; it gets no VNNI table, and kern_arch_all() offers AVX2.
 */
#if defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__)
#define KERN_VNNI 1
#include "kern_x86.c"
#else
#include "infer/kern.h"

const struct kern *kern_x86_vnni(void)
{
	return NULL;
}
#endif
