#include "semihosting.h"

uint64_t semihost_call(uint32_t op, uint64_t param)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = param;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void semihost_writec(char c)
{
    semihost_call(SYS_WRITEC, (uint64_t)(uintptr_t)&c);
}

void semihost_write0(const char *s)
{
    semihost_call(SYS_WRITE0, (uint64_t)(uintptr_t)s);
}

void semihost_exit(int code)
{
    /* The A64 form of both exit calls takes a pointer to {reason, subcode}. */
    static volatile uint64_t block[2];
    block[0] = ADP_Stopped_ApplicationExit;
    block[1] = (uint64_t)(int64_t)code;
    semihost_call(SYS_EXIT_EXTENDED, (uint64_t)(uintptr_t)block);
    for (;;) __asm__ volatile("wfi");
}
