/*
 * Loads and stores as compiled C makes them: every size, signed and unsigned, pre/post-indexed walks, register
 * offsets with extends, pairs (struct copies, spills), and byte-wise string code. Memory is Device with the
 * MMU off, so the runtime builds with -mstrict-align and every access here is naturally aligned.
 */
#include "runtime.h"

struct rec {
    int8_t b;
    uint8_t ub;
    int16_t h;
    uint16_t uh;
    int32_t w;
    uint32_t uw;
    int64_t x;
    uint64_t ux;
};

static struct rec recs[64];
static uint64_t big[256];

static uint64_t rng = 0x1234567887654321UL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static __attribute__((noinline)) int64_t sum_signed(const struct rec *r, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++) s += r[i].b + r[i].h + r[i].w + r[i].x;
    return s;
}

static __attribute__((noinline)) uint64_t sum_unsigned(const struct rec *r, int n)
{
    uint64_t s = 0;
    for (int i = 0; i < n; i++) s += r[i].ub + r[i].uh + r[i].uw + r[i].ux;
    return s;
}

static __attribute__((noinline)) uint64_t gather(const uint64_t *base, const int32_t *idx, const uint32_t *uidx, int n)
{
    uint64_t s = 0;
    for (int i = 0; i < n; i++) s = s * 3 + base[idx[i]] + base[uidx[i]] + ((const uint32_t *)base)[uidx[i] * 2] + ((const uint16_t *)base)[idx[i] * 4];
    return s;
}

static __attribute__((noinline)) void copy_recs(struct rec *d, const struct rec *s, int n)
{
    for (int i = 0; i < n; i++) d[i] = s[n - 1 - i];
}

static void insertion_sort(int64_t *a, int n)
{
    for (int i = 1; i < n; i++) {
        int64_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
        a[j + 1] = v;
    }
}

static uint64_t fnv(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325UL;
    while (n--) h = (h ^ *b++) * 0x100000001b3UL;
    return h;
}

int main(void)
{
    for (int i = 0; i < 64; i++) {
        uint64_t v = next();
        recs[i] = (struct rec){ (int8_t)v, (uint8_t)(v >> 8), (int16_t)(v >> 3), (uint16_t)(v >> 17), (int32_t)(v >> 5),
                                (uint32_t)(v >> 29), (int64_t)next(), next() };
    }
    printf("signed sum %016lx unsigned sum %016lx\n", (uint64_t)sum_signed(recs, 64), sum_unsigned(recs, 64));

    for (int i = 0; i < 256; i++) big[i] = next();
    static int32_t idx[100];
    static uint32_t uidx[100];
    for (int i = 0; i < 100; i++) { idx[i] = (int32_t)(next() % 60); uidx[i] = (uint32_t)(next() % 120); }
    printf("gather %016lx\n", gather(big + 64, idx, uidx, 100));
    int32_t neg[4] = { -1, -7, -30, -64 };
    uint32_t zero[4] = { 0, 1, 2, 3 };
    printf("gather negative %016lx\n", gather(big + 128, neg, zero, 4));

    static struct rec copy[64];
    copy_recs(copy, recs, 64);
    printf("copy %016lx\n", fnv(copy, sizeof copy));

    static int64_t keys[200];
    for (int i = 0; i < 200; i++) keys[i] = (int64_t)next() >> (i & 31);
    insertion_sort(keys, 200);
    int sorted = 1;
    for (int i = 1; i < 200; i++) sorted &= keys[i - 1] <= keys[i];
    printf("sorted %d first %lx last %lx hash %016lx\n", sorted, (uint64_t)keys[0], (uint64_t)keys[199], fnv(keys, sizeof keys));

    static char text[256];
    static const char words[][8] = { "alpha", "beta", "gamma", "delta", "eps" };
    size_t len = 0;
    for (int i = 0; i < 30; i++) {
        const char *w = words[next() % 5];
        size_t n = strlen(w);
        memcpy(text + len, w, n);
        len += n;
        text[len++] = i % 7 == 6 ? '\n' : ' ';
    }
    text[len] = 0;
    memmove(text + 10, text, 40);
    printf("text %016lx len %lu cmp %d\n", fnv(text, len), (uint64_t)len, memcmp(text, text + 10, 40) > 0);

    volatile uint8_t *bytes = (volatile uint8_t *)big;
    volatile uint16_t *halves = (volatile uint16_t *)big;
    volatile uint32_t *words32 = (volatile uint32_t *)big;
    for (int i = 0; i < 64; i++) { bytes[i * 3] = (uint8_t)i; halves[i * 5 + 1] = (uint16_t)(i * 77); words32[i * 7 + 3] = (uint32_t)i * 0x01010101u; }
    printf("narrow stores %016lx\n", fnv(big, sizeof big));
    return 0;
}
