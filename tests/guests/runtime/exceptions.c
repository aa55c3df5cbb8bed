/* The C side of the vectors in crt0.S: a program's on_exception hook, else a report and a distinct exit. */
#include "runtime.h"

__attribute__((weak)) int on_exception(int vector, struct exc_frame *f)
{
    (void)vector;
    (void)f;
    return 0;
}

static const char *const vector_names[16] = {
    "sync/SP0", "irq/SP0", "fiq/SP0", "serror/SP0",
    "sync/SPx", "irq/SPx", "fiq/SPx", "serror/SPx",
    "sync/lower64", "irq/lower64", "fiq/lower64", "serror/lower64",
    "sync/lower32", "irq/lower32", "fiq/lower32", "serror/lower32",
};

/* FAR_EL1 is only meaningful for aborts, PC and watchpoint faults; elsewhere it is UNKNOWN, so not printed. */
static int far_valid(uint32_t ec)
{
    return ec == 0x20 || ec == 0x21 || ec == 0x22 || ec == 0x24 || ec == 0x25 || ec == 0x34 || ec == 0x35;
}

void exception_dispatch(int vector, struct exc_frame *f)
{
    if (on_exception(vector, f)) return;
    printf("EXCEPTION %s ESR=%lx ELR=%lx", vector_names[vector & 15], f->esr, f->elr);
    if ((vector & 3) == EXC_SYNC && far_valid(esr_ec(f->esr))) printf(" FAR=%lx", f->far);
    printf("\n");
    rt_exit(EXIT_EXCEPTION_BASE + vector);
}

void exit(int code)
{
    rt_exit(code);
}
