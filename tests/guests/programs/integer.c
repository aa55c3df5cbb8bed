/*
 * Compiled integer code: the arithmetic, logic, shifts, compares, conditional selects, multiplies, divides,
 * bit manipulation, jump tables, calls through pointers and recursion gcc emits for ordinary C. Each block
 * prints a line; divisions by zero and INT_MIN / -1 go through inline SDIV/UDIV because C leaves them undefined
 * while A64 defines them (quotient 0, and INT_MIN).
 */
#include "runtime.h"

static uint64_t rng = 0x9e3779b97f4a7c15UL;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static int64_t sdiv64(int64_t a, int64_t b) { int64_t r; __asm__("sdiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint64_t udiv64(uint64_t a, uint64_t b) { uint64_t r; __asm__("udiv %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static int32_t sdiv32(int32_t a, int32_t b) { int32_t r; __asm__("sdiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b)); return r; }
static uint32_t udiv32(uint32_t a, uint32_t b) { uint32_t r; __asm__("udiv %w0, %w1, %w2" : "=r"(r) : "r"(a), "r"(b)); return r; }

static void divisions(void)
{
    static const int64_t a64[] = { 0, 1, -1, 7, -7, 100, INT64_MIN, INT64_MAX, 0x123456789abcdefL };
    static const int64_t b64[] = { 0, 1, -1, 3, -3, 2, INT64_MIN, INT64_MAX };
    uint64_t h = 0;
    for (unsigned i = 0; i < sizeof a64 / sizeof a64[0]; i++)
        for (unsigned j = 0; j < sizeof b64 / sizeof b64[0]; j++) {
            h = h * 31 + (uint64_t)sdiv64(a64[i], b64[j]);
            h = h * 31 + udiv64((uint64_t)a64[i], (uint64_t)b64[j]);
            h = h * 31 + (uint32_t)sdiv32((int32_t)a64[i], (int32_t)b64[j]);
            h = h * 31 + udiv32((uint32_t)a64[i], (uint32_t)b64[j]);
        }
    printf("div: INT64_MIN/-1=%lx INT32_MIN/-1=%x 5/0=%lx -5/0=%lx u/0=%x hash=%016lx\n",
           (uint64_t)sdiv64(INT64_MIN, -1), (uint32_t)sdiv32(INT32_MIN, -1), (uint64_t)sdiv64(5, 0),
           (uint64_t)sdiv64(-5, 0), udiv32(7, 0), h);
    uint64_t q = 0;
    for (int i = 0; i < 200; i++) {
        uint64_t x = next(), y = next() >> (next() & 63);
        if (y) q += x / y + x % y;
        int64_t sx = (int64_t)next(), sy = (int64_t)(next() >> 40) - (1L << 23);
        if (sy) q ^= (uint64_t)(sx / sy) + (uint64_t)(sx % sy);
    }
    printf("div: random=%016lx\n", q);
}

static void multiplies(void)
{
    uint64_t h = 0;
    for (int i = 0; i < 200; i++) {
        uint64_t a = next(), b = next();
        unsigned __int128 p = (unsigned __int128)a * b;
        __int128 s = (__int128)(int64_t)a * (int64_t)b;
        h = h * 31 + (uint64_t)(p >> 64) + (uint64_t)p;
        h = h * 31 + (uint64_t)(s >> 64);
        h = h * 31 + (uint64_t)((int64_t)(int32_t)a * (int32_t)b);
        h = h * 31 + (uint64_t)(uint32_t)a * (uint32_t)b;
        h = h * 31 + (a * b - (a ^ b));
        h -= a * 77;
    }
    printf("mul: %016lx\n", h);
}

static void bits(void)
{
    uint64_t h = 0;
    for (int i = 0; i < 200; i++) {
        uint64_t a = next() >> (next() & 63);
        uint32_t w = (uint32_t)a;
        if (a) h = h * 31 + (uint64_t)__builtin_clzll(a) + (uint64_t)__builtin_ctzll(a) * 64;
        if (w) h = h * 31 + (uint64_t)__builtin_clz(w) + (uint64_t)__builtin_ctz(w) * 32;
        h = h * 31 + (uint64_t)__builtin_clrsbll((int64_t)a) + __builtin_bswap64(a) + __builtin_bswap32(w) + __builtin_bswap16((uint16_t)w);
        unsigned s = (unsigned)(next() & 63);
        h ^= (a << s) | (a >> ((64 - s) & 63));
        h += (uint64_t)((int64_t)a >> s) + (a >> s) + (uint64_t)((int32_t)w >> (s & 31)) + (w >> (s & 31));
        h += ((a >> 5) & 0x3ff) | ((a & 0xff) << 20);
        struct { uint64_t x : 7, y : 13, z : 44; } bf = { 0 };
        bf.x = a; bf.y = a >> 9; bf.z = a >> 3;
        h += bf.x * 3 + bf.y * 5 + bf.z;
        int64_t sx = (int64_t)(a << 11) >> 50;
        h += (uint64_t)sx;
    }
    printf("bits: %016lx\n", h);
}

static int compare_chain(int64_t a, int64_t b, uint64_t c, uint64_t d)
{
    int r = 0;
    if (a < b && c > d) r |= 1;
    if (a >= b || c <= d) r |= 2;
    if (a == (int64_t)c || b != (int64_t)d) r |= 4;
    r += (a > 0) + (b < 0) * 2 + (c == 0) * 4 + (d >= 5) * 8;
    return r;
}

static void conditionals(void)
{
    uint64_t h = 0;
    for (int i = 0; i < 300; i++) {
        uint64_t a = next(), b = next();
        if (i & 1) b = a + (i % 3) - 1;
        if (i % 5 == 0) a = 0;
        int64_t sa = (int64_t)a, sb = (int64_t)b;
        h = h * 7 + (uint64_t)compare_chain(sa, sb, a, b);
        h += sa < sb ? a : b;
        h += (uint32_t)a > (uint32_t)b ? 1 : (uint64_t)-(int64_t)b;
        h += sa > 0 ? ~b : b + 1;
        h += __builtin_add_overflow(sa, sb, &sa) ? 5 : (uint64_t)sa;
        h += __builtin_sub_overflow((int32_t)a, (int32_t)b, (int32_t *)&sb) ? 9 : 0;
        h += __builtin_mul_overflow(a, b, &a) ? 17 : 0;
    }
    printf("cond: %016lx\n", h);
}

static unsigned dispatch(unsigned op, unsigned x)
{
    switch (op) {
    case 0: return x + 1;
    case 1: return x * 3;
    case 2: return x ^ 0x5a5a;
    case 3: return x >> 3;
    case 4: return x << 2;
    case 5: return ~x;
    case 6: return x - 77;
    case 7: return x | 0x100;
    case 8: return x & 0xfff0;
    case 9: return x / 7;
    default: return x;
    }
}

static uint64_t fa(uint64_t x) { return x * 5 + 1; }
static uint64_t fb(uint64_t x) { return x ^ (x >> 3); }
static uint64_t fc(uint64_t x) { return x - 0x1234; }
static uint64_t (*const fns[3])(uint64_t) = { fa, fb, fc };

static uint64_t ackermann(uint64_t m, uint64_t n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static void control(void)
{
    unsigned x = 12345;
    for (int i = 0; i < 500; i++) x = dispatch((unsigned)next() % 12, x);
    uint64_t y = 1;
    for (int i = 0; i < 300; i++) y = fns[next() % 3](y);
    printf("ctl: switch=%x calls=%016lx ackermann(2,3)=%lu ackermann(3,3)=%lu\n", x, y, ackermann(2, 3), ackermann(3, 3));
}

static unsigned primes(void)
{
    static unsigned char composite[10000];
    unsigned n = 0;
    for (unsigned i = 2; i < sizeof composite; i++) {
        if (composite[i]) continue;
        n++;
        for (unsigned j = i * i; j < sizeof composite; j += i) composite[j] = 1;
    }
    return n;
}

static uint32_t crc32_bitwise(const uint8_t *p, unsigned n)
{
    uint32_t c = 0xffffffffu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

int main(void)
{
    divisions();
    multiplies();
    bits();
    conditionals();
    control();
    static const char text[] = "The quick brown fox jumps over the lazy dog";
    printf("primes below 10000: %u, crc32: %08x\n", primes(), crc32_bitwise((const uint8_t *)text, sizeof text - 1));
    return 0;
}
