/*
 * Atomic read-modify-write as gcc compiles __atomic builtins: exclusive load/store loops (LDXR/STXR, LDAXR/
 * STLXR, LDXP/STXP for 128 bits) when built for Armv8.0, LSE instructions (LDADD, SWP, CAS, CASP...) when built
 * with -march=armv8.1-a. Same source, same output either way.
 */
#include "runtime.h"

static uint8_t v8 = 0xf0;
static uint16_t v16 = 0x8000;
static uint32_t v32 = 0x7fffffff;
static uint64_t v64 = 1;
static unsigned __int128 v128 __attribute__((aligned(16)));

/* gcc leaves 16-byte compare-and-swap to libatomic, so it is written out: CASPAL with LSE, else an
   LDAXP/STLXP loop. Returns whether the swap happened; *expected gets the old value. */
static int cas128(unsigned __int128 *p, unsigned __int128 *expected, unsigned __int128 desired)
{
    uint64_t elo = (uint64_t)*expected, ehi = (uint64_t)(*expected >> 64);
    uint64_t dlo = (uint64_t)desired, dhi = (uint64_t)(desired >> 64);
#ifdef __ARM_FEATURE_ATOMICS
    register uint64_t x0 __asm__("x0") = elo, x1 __asm__("x1") = ehi;
    register uint64_t x2 __asm__("x2") = dlo, x3 __asm__("x3") = dhi;
    __asm__ volatile("caspal x0, x1, x2, x3, [%4]" : "+r"(x0), "+r"(x1) : "r"(x2), "r"(x3), "r"(p) : "memory");
    uint64_t olo = x0, ohi = x1;
#else
    uint64_t olo, ohi;
    uint32_t fail;
    __asm__ volatile("1: ldaxp %0, %1, [%3]\n"
                     "   cmp %0, %4\n"
                     "   ccmp %1, %5, #0, eq\n"
                     "   b.ne 2f\n"
                     "   stlxp %w2, %6, %7, [%3]\n"
                     "   cbnz %w2, 1b\n"
                     "   b 3f\n"
                     "2: stlxp %w2, %0, %1, [%3]\n"
                     "   cbnz %w2, 1b\n"
                     "3:"
                     : "=&r"(olo), "=&r"(ohi), "=&r"(fail)
                     : "r"(p), "r"(elo), "r"(ehi), "r"(dlo), "r"(dhi)
                     : "memory", "cc");
#endif
    int ok = olo == elo && ohi == ehi;
    *expected = ((unsigned __int128)ohi << 64) | olo;
    return ok;
}

int main(void)
{
    uint64_t h = 0;
    for (int i = 0; i < 50; i++) {
        h = h * 31 + __atomic_fetch_add(&v8, (uint8_t)(i * 7), __ATOMIC_RELAXED);
        h = h * 31 + __atomic_fetch_sub(&v16, (uint16_t)(i * 300), __ATOMIC_ACQUIRE);
        h = h * 31 + __atomic_fetch_or(&v32, 1u << (i & 31), __ATOMIC_RELEASE);
        h = h * 31 + __atomic_fetch_and(&v64, ~(1UL << (i & 63)) | 0xff, __ATOMIC_ACQ_REL);
        h = h * 31 + __atomic_fetch_xor(&v64, (uint64_t)i << 40, __ATOMIC_SEQ_CST);
        h = h * 31 + __atomic_exchange_n(&v32, (uint32_t)h, __ATOMIC_SEQ_CST);
        uint64_t expected = i & 1 ? v64 : 12345;
        h = h * 31 + __atomic_compare_exchange_n(&v64, &expected, h, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        h = h * 31 + expected;
        uint16_t e16 = (uint16_t)(i & 2 ? v16 : 7);
        h = h * 31 + __atomic_compare_exchange_n(&v16, &e16, (uint16_t)i, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
        unsigned __int128 e128 = i % 3 ? v128 : 99;
        h = h * 31 + cas128(&v128, &e128, ((unsigned __int128)h << 64) | (unsigned)i);
        h = h * 31 + (uint64_t)(e128 >> 64);
    }
    int32_t s = -5;
    int32_t smax = __atomic_fetch_add(&s, 10, __ATOMIC_RELAXED);
    printf("atomics v8=%x v16=%x v32=%x v64=%lx v128=%016lx%016lx h=%016lx smax=%d s=%d\n", v8, v16, v32, v64,
           (uint64_t)(v128 >> 64), (uint64_t)v128, h, smax, s);
    return 0;
}
