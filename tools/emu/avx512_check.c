/*
 * avx512_check.c: does this CPU (real or emulated) run AVX-512 VNNI?
 *
 * The smoke test of tools/emu_avx512.sh. It reads cpuid and XCR0, prints
 * which of AVX512F/BW/VL/VNNI are there and whether the OS saves the
 * opmask and zmm state, then runs vpdpbusd (zmm and ymm) and vpmaddubsw
 * (zmm) on pseudo-random bytes and compares every lane with scalar code.
 * Exit status: 0 all present and correct, 1 a lane differs, 2 a feature
 * is missing (nothing AVX-512 is executed then).
 *
 * Built by the script, statically, with
 *   -mavx512f -mavx512bw -mavx512vl -mavx512vnni
 * The vector code is in its own noinline functions called only after the
 * cpuid check, so on a CPU without AVX-512 the program says so instead of
 * dying of SIGILL; the scalar references are kept from being vectorised
 * (optimize("no-tree-vectorize")) for the same reason.
 */
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NOVEC __attribute__((noinline, optimize("no-tree-vectorize")))

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static NOVEC uint8_t rbyte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint8_t)(rng >> 32);
}

/* acc[i] + sum of 4 products of unsigned a bytes and signed b bytes,
 * wrapping (vpdpbusd does not saturate) */
static NOVEC void dpbusd_ref(int lanes, const int32_t *acc, const uint8_t *a, const int8_t *b,
			     int32_t *out)
{
	for (int i = 0; i < lanes; i++) {
		uint32_t s = (uint32_t)acc[i];

		for (int j = 0; j < 4; j++)
			s += (uint32_t)((int32_t)a[4 * i + j] * (int32_t)b[4 * i + j]);
		out[i] = (int32_t)s;
	}
}

/* pairs of unsigned a times signed b, summed with signed saturation */
static NOVEC void maddubs_ref(int pairs, const uint8_t *a, const int8_t *b, int16_t *out)
{
	for (int i = 0; i < pairs; i++) {
		int32_t s = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];

		out[i] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 : s);
	}
}

static __attribute__((noinline)) void dpbusd_zmm(const int32_t *acc, const uint8_t *a,
						  const int8_t *b, int32_t *out)
{
	__m512i r = _mm512_dpbusd_epi32(_mm512_loadu_si512(acc), _mm512_loadu_si512(a),
					_mm512_loadu_si512(b));

	_mm512_storeu_si512(out, r);
}

static __attribute__((noinline)) void dpbusd_ymm(const int32_t *acc, const uint8_t *a,
						  const int8_t *b, int32_t *out)
{
	__m256i r = _mm256_dpbusd_epi32(_mm256_loadu_si256((const __m256i *)acc),
					_mm256_loadu_si256((const __m256i *)a),
					_mm256_loadu_si256((const __m256i *)b));

	_mm256_storeu_si256((__m256i *)out, r);
}

static __attribute__((noinline)) void maddubs_zmm(const uint8_t *a, const int8_t *b, int16_t *out)
{
	_mm512_storeu_si512(out, _mm512_maddubs_epi16(_mm512_loadu_si512(a), _mm512_loadu_si512(b)));
}

static const char *yn(int x)
{
	return x ? "yes" : "no";
}

static NOVEC int check(const char *what, const void *got, const void *want, size_t size)
{
	int ok = memcmp(got, want, size) == 0;

	printf("%-16s %s\n", what, ok ? "matches scalar" : "DIFFERS from scalar");
	return ok;
}

int main(void)
{
	unsigned a, b, c, d;
	int f = 0, bw = 0, vl = 0, vnni = 0, osxsave = 0, os_zmm = 0;
	uint32_t xcr0 = 0, xcr0_hi;
	int ok = 1;

	if (__get_cpuid(1, &a, &b, &c, &d))
		osxsave = (c & bit_OSXSAVE) != 0;
	if (__get_cpuid_max(0, NULL) >= 7) {
		__cpuid_count(7, 0, a, b, c, d);
		f = (b & bit_AVX512F) != 0;
		bw = (b & bit_AVX512BW) != 0;
		vl = (b & bit_AVX512VL) != 0;
		vnni = (c & bit_AVX512VNNI) != 0;
	}
	if (osxsave) {
		__asm__("xgetbv" : "=a"(xcr0), "=d"(xcr0_hi) : "c"(0));
		/* SSE, AVX, opmask, zmm0-15 upper halves, zmm16-31 */
		os_zmm = (xcr0 & 0xe6) == 0xe6;
	}
	printf("cpuid: AVX512F=%s AVX512BW=%s AVX512VL=%s AVX512_VNNI=%s\n", yn(f), yn(bw), yn(vl),
	       yn(vnni));
	printf("xcr0:  0x%x (OS saves zmm state: %s)\n", xcr0, yn(os_zmm));
	if (!(f && bw && vl && vnni && os_zmm)) {
		printf("avx512_check: AVX-512 VNNI not available, nothing run\n");
		return 2;
	}

	for (int round = 0; round < 64 && ok; round++) {
		uint8_t ua[64];
		int8_t sb[64];
		int32_t acc[16], got[16], want[16];
		int16_t got16[32], want16[32];

		for (int i = 0; i < 64; i++) {
			ua[i] = rbyte();
			sb[i] = (int8_t)rbyte();
		}
		for (int i = 0; i < 16; i++)
			acc[i] = (int32_t)((uint32_t)rbyte() << 24 | (uint32_t)rbyte() << 8);
		/* the extremes, once: 255 * -128 in every product, and an
		 * accumulator at the edge, so wrapping is exercised */
		if (round == 0) {
			memset(ua, 255, sizeof(ua));
			memset(sb, -128, sizeof(sb));
			acc[0] = INT32_MIN;
			acc[1] = INT32_MAX;
		}
		memset(got, 0, sizeof(got));
		dpbusd_zmm(acc, ua, sb, got);
		dpbusd_ref(16, acc, ua, sb, want);
		if (memcmp(got, want, sizeof(got)))
			ok = check("vpdpbusd zmm", got, want, sizeof(got));
		memset(got, 0, sizeof(got));
		dpbusd_ymm(acc, ua, sb, got);
		dpbusd_ref(8, acc, ua, sb, want);
		if (memcmp(got, want, 8 * sizeof(int32_t)))
			ok = check("vpdpbusd ymm", got, want, 8 * sizeof(int32_t));
		maddubs_zmm(ua, sb, got16);
		maddubs_ref(32, ua, sb, want16);
		if (memcmp(got16, want16, sizeof(got16)))
			ok = check("vpmaddubsw zmm", got16, want16, sizeof(got16));
	}
	if (ok)
		printf("vpdpbusd zmm/ymm, vpmaddubsw zmm: 64 rounds match scalar\n");
	printf("avx512_check: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}
