/*
 * Exceptions taken and returned from: SVC (the handler changes a register and returns past it), UNDEFINED
 * (UDF, a system register EL0 may not read), BRK, a branch to unmapped memory (instruction abort), a branch
 * to a misaligned address (PC alignment fault), a misaligned exclusive load (alignment fault), a load and a
 * store to unmapped memory (external data aborts), and an SVC from EL0 (a lower-EL exception). Each handler prints the syndrome it saw; ELR is printed relative to known
 * labels so the output does not depend on the code layout.
 *
 * The SP alignment check and the alignment fault of ordinary accesses with the MMU off are in alignment.c:
 * QEMU does not implement them, so that program is checked against the architecture's answer instead.
 */
#include "runtime.h"

extern char svc_site[], udf_site[], brk_site[], ldr_site[], el0_code[], el0_svc_site[], el0_mrs_site[];
void do_svc(void);
void do_udf(void);
void do_brk(void);
uint64_t do_misaligned_ldr(uint64_t addr);
uint64_t do_load(uint64_t addr);
void do_store(uint64_t addr, uint64_t value);
extern char load_site[], store_site[];
void do_branch(uint64_t target);

static volatile int expect;          /* which vector the next exception must arrive at */
static volatile int taken;           /* how many exceptions were taken */
static volatile uint64_t last_esr;
static volatile uint64_t branch_return;

static void report(const char *what, struct exc_frame *f, const char *site_name, const char *site)
{
    printf("%s: EC=%x IL=%x ISS=%x", what, esr_ec(f->esr), (unsigned)(f->esr >> 25) & 1, (unsigned)(f->esr & 0x1ffffff));
    if (site) printf(" ELR=%s%+d", site_name, (int)(f->elr - (uint64_t)(uintptr_t)site));
    printf("\n");
}

int on_exception(int vector, struct exc_frame *f)
{
    taken++;
    last_esr = f->esr;
    if (vector != expect) {
        printf("unexpected vector %d (wanted %d) ESR=%lx ELR=%lx\n", vector, expect, f->esr, f->elr);
        return 0;
    }
    uint32_t ec = esr_ec(f->esr);
    switch (ec) {
    case 0x15: /* SVC from AArch64: ELR is the next instruction */
        if (vector == 8) {
            if (f->elr - 4 == (uint64_t)(uintptr_t)el0_svc_site) {
                report("svc from EL0", f, "el0_svc_site", el0_svc_site);
                /* Finish the EL0 excursion: return to the EL1 caller (x30 of the frame), on SP_EL0. */
                printf("el0 x0=%lx spsr.M=%lx\n", f->x[0], f->spsr & 0xf);
                f->spsr = 0x3c4;            /* EL1t, DAIF masked */
                f->elr = f->x[19];
                return 1;
            }
        }
        report("svc", f, "svc_site", svc_site);
        f->x[0] = f->x[0] * 3 + (f->esr & 0xffff);
        return 1;
    case 0x00:
        if (vector == 8) {
            report("undefined from EL0", f, "el0_mrs_site", el0_mrs_site);
        } else {
            report("undefined", f, "udf_site", udf_site);
        }
        f->elr += 4;
        return 1;
    case 0x3c: /* BRK: ELR is the BRK itself */
        report("brk", f, "brk_site", brk_site);
        f->elr += 4;
        return 1;
    case 0x21: /* instruction abort, same EL */
        printf("instruction abort: EC=%x IFSC=%x FAR=%lx ELR=%lx\n", ec, (unsigned)(f->esr & 0x3f), f->far, f->elr);
        f->elr = f->x[30];
        return 1;
    case 0x22: /* PC alignment fault */
        printf("pc alignment: EC=%x FAR=%lx ELR=%lx\n", ec, f->far, f->elr);
        f->elr = f->x[30];
        return 1;
    case 0x25: /* data abort, same EL */
        if (f->elr == (uint64_t)(uintptr_t)load_site || f->elr == (uint64_t)(uintptr_t)store_site) {
            printf("data abort at %s: EC=%x ISS=%x FAR=%lx\n", f->elr == (uint64_t)(uintptr_t)load_site ? "load" : "store",
                   ec, (unsigned)(f->esr & 0x1ffffff), f->far);
            f->x[0] = 0xbad;
            f->elr += 4;
            return 1;
        }
        report("data abort", f, "ldr_site", ldr_site);
        printf("  DFSC=%x WnR=%x FAR=%lx\n", (unsigned)(f->esr & 0x3f), (unsigned)(f->esr >> 6) & 1, f->far);
        f->x[0] = 0xdead;
        f->elr += 4;
        return 1;
    }
    return 0;
}

int main(void)
{
    printf("CurrentEL=%lx\n", READ_SYSREG(CurrentEL) >> 2);

    expect = 0;   /* current EL, SP_EL0, synchronous */
    register uint64_t r0 __asm__("x0") = 5;
    __asm__ volatile(".globl svc_site\nsvc_site: svc #0x42" : "+r"(r0) :: "memory");
    printf("svc returned x0=%lx\n", r0);

    do_udf();
    printf("after udf, taken=%d\n", taken);
    do_brk();
    printf("after brk, taken=%d\n", taken);

    do_branch(0x100000000UL);          /* nothing is mapped at 4 GiB on virt with the default RAM size */
    printf("after unmapped branch, taken=%d\n", taken);
    do_branch(0x40000002UL);           /* misaligned target: PC alignment fault on the first fetch */
    printf("after misaligned branch, taken=%d\n", taken);

    static volatile uint64_t words[4] = { 0x1111111111111111UL, 0x2222222222222222UL, 0x3333333333333333UL, 0x4444444444444444UL };
    uint64_t v = do_misaligned_ldr((uint64_t)(uintptr_t)&words[0] + 4);
    printf("misaligned ldxr gave %lx\n", v);
    v = do_misaligned_ldr((uint64_t)(uintptr_t)&words[1]);
    printf("aligned ldxr gave %lx\n", v);
    printf("unmapped load gave %lx\n", do_load(0x100000040UL));
    do_store(0x100000ff8UL, 5);
    printf("after unmapped store, taken=%d\n", taken);

    expect = 8;   /* lower EL, AArch64, synchronous */
    extern uint64_t run_at_el0(void (*fn)(void), uint64_t stack);
    static uint64_t el0_stack[64] __attribute__((aligned(16)));
    run_at_el0((void (*)(void))el0_code, (uint64_t)(uintptr_t)&el0_stack[64]);
    printf("back at EL1, CurrentEL=%lx taken=%d\n", READ_SYSREG(CurrentEL) >> 2, taken);
    return taken == 10 ? 0 : 1;
}
