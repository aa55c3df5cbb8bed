/*
 * Guest code for the translate micro benchmark (bench/FastArm.Bench/Micro/TranslateBenchmarks.cs): typical
 * freestanding C, the kind of code a kernel or libc runs: string and memory loops, hashes and checksums, a linked
 * list, a switch-heavy interpreter, sorting and searching, number formatting and parsing. It is never run; the
 * benchmark builds it (aarch64-linux-gnu-gcc -O2, see the benchmark for the flags), takes .text as a raw binary and
 * translates every block of it.
 */
#include <stddef.h>   /* freestanding headers: the compiler's own, no libc */
#include <stdint.h>

/* ---- memory and strings ---- */

void *bench_memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if ((((uint64_t)d | (uint64_t)s) & 7) == 0) {
        while (n >= 8) {
            *(uint64_t *)d = *(const uint64_t *)s;
            d += 8; s += 8; n -= 8;
        }
    }
    while (n--) *d++ = *s++;
    return dst;
}

void *bench_memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--) *d++ = (uint8_t)c;
    return dst;
}

int bench_memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

size_t bench_strlen(const char *s)
{
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
}

int bench_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) { a++; b++; }
    return (uint8_t)*a - (uint8_t)*b;
}

char *bench_strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (!*s) return 0;
    }
}

/* ---- hashes and checksums ---- */

uint32_t bench_fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    while (n--) { h ^= *p++; h *= 16777619u; }
    return h;
}

uint32_t bench_crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc;
}

uint32_t bench_adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    while (n) {
        size_t chunk = n < 5552 ? n : 5552;
        n -= chunk;
        while (chunk--) { a += *p++; b += a; }
        a %= 65521; b %= 65521;
    }
    return (b << 16) | a;
}

static inline uint32_t rotr32(uint32_t x, int r) { return (x >> r) | (x << (32 - r)); }

/* One round block of a SHA-256-like mixing function: rotates, shifts and logical operations. */
void bench_mix(uint32_t st[8], const uint32_t w[16])
{
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 16; i++) {
        uint32_t s1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + ch + w[i] + 0x428a2f98u * (uint32_t)i;
        uint32_t s0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + maj;
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

/* ---- a linked list ---- */

struct node {
    struct node *next;
    int64_t key;
    uint32_t flags;
    uint32_t weight;
};

int64_t bench_list_sum(const struct node *n)
{
    int64_t s = 0;
    for (; n; n = n->next)
        if (!(n->flags & 1)) s += n->key * n->weight;
    return s;
}

struct node *bench_list_find(struct node *n, int64_t key)
{
    while (n && n->key != key) n = n->next;
    return n;
}

struct node *bench_list_reverse(struct node *n)
{
    struct node *prev = 0;
    while (n) {
        struct node *next = n->next;
        n->next = prev;
        prev = n;
        n = next;
    }
    return prev;
}

struct node *bench_list_insert_sorted(struct node *head, struct node *item)
{
    struct node **pp = &head;
    while (*pp && (*pp)->key < item->key) pp = &(*pp)->next;
    item->next = *pp;
    *pp = item;
    return head;
}

/* ---- a switch-heavy function: a small stack machine ---- */

enum { OP_HALT, OP_PUSH, OP_POP, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
       OP_DUP, OP_SWAP, OP_JMP, OP_JZ, OP_LOAD, OP_STORE, OP_NEG, OP_NOT };

int64_t bench_vm(const uint8_t *code, int64_t *mem, int64_t *stack)
{
    int sp = 0;
    size_t pc = 0;
    for (;;) {
        uint8_t op = code[pc++];
        switch (op) {
        case OP_HALT: return sp ? stack[sp - 1] : 0;
        case OP_PUSH: stack[sp++] = (int8_t)code[pc++]; break;
        case OP_POP: sp--; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_DIV: sp--; stack[sp - 1] = stack[sp] ? stack[sp - 1] / stack[sp] : 0; break;
        case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case OP_OR: sp--; stack[sp - 1] |= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHL: sp--; stack[sp - 1] <<= stack[sp] & 63; break;
        case OP_SHR: sp--; stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63)); break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: { int64_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: sp--; pc = stack[sp] ? pc + 1 : code[pc]; break;
        case OP_LOAD: stack[sp - 1] = mem[stack[sp - 1] & 255]; break;
        case OP_STORE: sp -= 2; mem[stack[sp + 1] & 255] = stack[sp]; break;
        case OP_NEG: stack[sp - 1] = -stack[sp - 1]; break;
        case OP_NOT: stack[sp - 1] = ~stack[sp - 1]; break;
        default: return -1;
        }
    }
}

/* A classifier: a switch on character ranges, compiled to compare chains and a table. */
int bench_char_class(int c)
{
    switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f': return 1;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': return 2;
    case '+': case '-': case '*': case '/': case '%': case '^': case '&': case '|': return 3;
    case '(': case ')': case '[': case ']': case '{': case '}': return 4;
    case '"': case '\'': return 5;
    case '_': return 6;
    default:
        if ((c | 32) >= 'a' && (c | 32) <= 'z') return 6;
        return 0;
    }
}

/* ---- sorting and searching ---- */

void bench_insertion_sort(int64_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        int64_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) { a[j] = a[j - 1]; j--; }
        a[j] = v;
    }
}

long bench_bsearch(const int64_t *a, size_t n, int64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < key) lo = mid + 1;
        else if (a[mid] > key) hi = mid;
        else return (long)mid;
    }
    return -1;
}

/* ---- numbers and text ---- */

size_t bench_utoa(uint64_t v, char *buf, unsigned base)
{
    char tmp[64];
    size_t n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    for (size_t i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return n;
}

int64_t bench_atoi(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    int neg = 0;
    if (*s == '-') { neg = 1; s++; }
    else if (*s == '+') s++;
    int64_t v = 0;
    while (*s >= '0' && *s <= '9') v = v * 10 + (*s++ - '0');
    return neg ? -v : v;
}

size_t bench_count_words(const char *s)
{
    size_t words = 0;
    int in = 0;
    for (; *s; s++) {
        int space = bench_char_class((uint8_t)*s) == 1;
        if (!space && !in) words++;
        in = !space;
    }
    return words;
}

/* A bitmap allocator: find and set the first clear bit. */
long bench_bitmap_alloc(uint64_t *map, size_t words)
{
    for (size_t i = 0; i < words; i++) {
        uint64_t w = map[i];
        if (w != ~0UL) {
            int bit = __builtin_ctzl(~w);
            map[i] = w | (1UL << bit);
            return (long)(i * 64 + bit);
        }
    }
    return -1;
}

/* A 64-bit hash-table probe with linear probing, as a cache lookup does. */
struct entry { uint64_t key; uint64_t value; };

uint64_t *bench_table_lookup(struct entry *t, size_t mask, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
    for (size_t probes = 0; probes <= mask; probes++, i = (i + 1) & mask) {
        if (t[i].key == key) return &t[i].value;
        if (t[i].key == 0) return 0;
    }
    return 0;
}
