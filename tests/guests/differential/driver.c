/*
 * The driver of the randomized differential test: for each generated sequence, fill the scratch buffer from
 * the sequence's seed, run it (harness.S), and print one line with every register, NZCV, SP (as an offset in
 * the scratch buffer) and a checksum of the buffer:
 *   S<i> x0=<hex> ... x30=<hex> nzcv=<hex> sp=<hex> mem=<hex>
 * A sequence that takes an exception prints instead
 *   S<i> exception vector=<n> esr=<hex> at=<offset of ELR from the sequence start, hex>
 * and the run goes on with the next sequence. With diff_verbose set, the words of the buffer that differ from
 * their initial fill follow as "M<i> <word index>=<hex> ...".
 *
 * With diff_skip_undefined set (the random-encoding test), an UNDEFINED instruction inside a sequence does not
 * end it: the handler notes its index (bit n = the n-th instruction after the register loader) and resumes after
 * it; the dump line ends with " undef=<mask>".
 */
#include "runtime.h"

#define INIT_WORDS 34    /* X0..X30, NZCV, SP offset, fill seed */
#define SCRATCH_WORDS 512
#define LOADER_INSNS 16  /* LDPs and the LDR that start every sequence */

extern const uint64_t diff_init[][INIT_WORDS];
extern void *const diff_code[];
extern const uint32_t diff_count;
extern const uint32_t diff_verbose;
extern const uint32_t diff_skip_undefined;
extern uint64_t diff_scratch[SCRATCH_WORDS];
extern uint64_t diff_save[64];
extern char diff_abort[];
int diff_run(const uint64_t *init, void *code);

static volatile int running = -1;
static volatile int exc_vector;
static volatile uint64_t exc_esr, exc_elr;
static volatile uint64_t undef_mask;

int on_exception(int vector, struct exc_frame *f)
{
    if (running < 0) return 0;
    if (diff_skip_undefined && vector == 0 && esr_ec(f->esr) == 0) {
        int64_t n = (int64_t)(f->elr - (uint64_t)(uintptr_t)diff_code[running]) / 4 - LOADER_INSNS;
        if (n >= 0 && n < 64) {
            undef_mask |= 1UL << n;
            f->elr += 4;
            return 1;
        }
    }
    exc_vector = vector;
    exc_esr = f->esr;
    exc_elr = f->elr;
    running = -1;
    f->elr = (uint64_t)(uintptr_t)diff_abort;
    f->spsr = 0x3c4;   /* back to EL1 on SP_EL0 (the driver's stack), interrupts masked */
    return 1;
}

static uint64_t fill_word(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    /* Mostly random words, with some edge values so that compares and CAS sometimes match. */
    switch (x >> 60) {
    case 0: return 0;
    case 1: return ~0UL;
    case 2: return x & 0xff;
    case 3: return 0x8000000000000000UL;
    default: return x * 0x2545f4914f6cdd1dUL;
    }
}

static void fill(uint64_t seed)
{
    uint64_t s = seed | 1;
    for (int i = 0; i < SCRATCH_WORDS; i++) diff_scratch[i] = fill_word(&s);
}

/* The dump lines are most of what the guest executes besides the sequences, so they are formatted here
   directly (printf goes character by character) and written with one SYS_WRITE0. */
static char line[1024];
static unsigned pos;

static void put_str(const char *s)
{
    while (*s) line[pos++] = *s++;
}

static void put_hex(uint64_t v)
{
    char tmp[16];
    int n = 0;
    do { tmp[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    while (n) line[pos++] = tmp[--n];
}

static void put_dec(uint64_t v)
{
    char tmp[20];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) line[pos++] = tmp[--n];
}

static void put_line(void)
{
    line[pos++] = '\n';
    line[pos] = 0;
    rt_flush();
    semihost_write0(line);
    pos = 0;
}

static const char *const reg_names[31] = {
    " x0=", " x1=", " x2=", " x3=", " x4=", " x5=", " x6=", " x7=", " x8=", " x9=", " x10=", " x11=", " x12=",
    " x13=", " x14=", " x15=", " x16=", " x17=", " x18=", " x19=", " x20=", " x21=", " x22=", " x23=", " x24=",
    " x25=", " x26=", " x27=", " x28=", " x29=", " x30=",
};

int main(void)
{
    for (uint32_t i = 0; i < diff_count; i++) {
        const uint64_t *init = diff_init[i];
        fill(init[33]);
        undef_mask = 0;
        running = (int)i;
        int aborted = diff_run(init, diff_code[i]);
        running = -1;
        if (aborted) {
            printf("S%u exception vector=%d esr=%lx at=%lx\n", i, exc_vector, exc_esr,
                   exc_elr - (uint64_t)(uintptr_t)diff_code[i]);
        } else {
            uint64_t h = 0xcbf29ce484222325UL;
            for (int w = 0; w < SCRATCH_WORDS; w++) h = (h ^ diff_scratch[w]) * 0x100000001b3UL + (h >> 29);
            put_str("S");
            put_dec(i);
            for (int r = 0; r < 31; r++) { put_str(reg_names[r]); put_hex(diff_save[r]); }
            put_str(" nzcv="); put_hex(diff_save[31]);
            put_str(" sp="); put_hex(diff_save[32] - (uint64_t)(uintptr_t)diff_scratch);
            put_str(" mem="); put_hex(h);
            if (diff_skip_undefined) { put_str(" undef="); put_hex(undef_mask); }
            put_line();
        }
        if (diff_verbose) {
            uint64_t s = init[33] | 1;
            int n = 0;
            for (int w = 0; w < SCRATCH_WORDS; w++) {
                uint64_t orig = fill_word(&s);
                if (diff_scratch[w] == orig) continue;
                if (n++ == 0) printf("M%u", i);
                printf(" %d=%lx", w, diff_scratch[w]);
            }
            if (n) printf("\n");
        }
    }
    printf("done %u\n", diff_count);
    return 0;
}
