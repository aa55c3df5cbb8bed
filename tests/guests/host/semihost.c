/* Exercises the semihosting calls whose results do not depend on time or the host: the output is compared
   with the text in the test (and with QEMU's when it is installed). Built with -mgeneral-regs-only: QEMU
   starts a bare-metal program at EL1 with FP/SIMD trapped. */
typedef unsigned long u64;

static long semi(long op, const void *arg)
{
    register long x0 asm("x0") = op;
    register const void *x1 asm("x1") = arg;
    asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

static void print(const char *s) { semi(0x04, s); }

static void print_hex(u64 v)
{
    char b[19];
    b[0] = '0';
    b[1] = 'x';
    for (int i = 0; i < 16; i++) {
        int d = (v >> (60 - 4 * i)) & 15;
        b[2 + i] = d < 10 ? '0' + d : 'a' + d - 10;
    }
    b[18] = 0;
    print(b);
}

static void line(const char *label, u64 v) { print(label); print_hex(v); print("\n"); }

static volatile char bss[0x1234];

int main(void)
{
    print("semihosting from C\n");
    char c = '!';
    semi(0x03, &c);
    semi(0x03, "\n");

    u64 open_args[3] = { (u64)":tt", 4, 3 };
    long out = semi(0x01, open_args);
    line("open :tt w = ", out);
    u64 write_args[3] = { (u64)out, (u64)"written\n", 8 };
    line("write left = ", semi(0x05, write_args));
    u64 bad_open[3] = { (u64)"no-such-file", 0, 12 };
    line("open file = ", semi(0x01, bad_open));
    line("errno = ", semi(0x13, 0));

    u64 heap[4];
    u64 *heap_ptr = heap;
    semi(0x16, &heap_ptr);
    line("heap base = ", heap[0]);
    line("heap limit = ", heap[1]);
    line("stack base = ", heap[2]);
    line("stack limit = ", heap[3]);

    bss[0] = 1;
    return 7;
}
