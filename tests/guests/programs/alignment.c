/*
 * Alignment checks QEMU 7.2 leaves out "for the sake of guest program performance" but the Arm ARM requires,
 * so the test compares this program's output under FastArm with the architecture's answer (alignment.expected)
 * rather than with QEMU:
 *  - SCTLR_EL1.SA = 1: a load/store whose base register is a misaligned SP takes an SP alignment fault
 *    (EC 0x26), even at EL1 on SP_EL0 (Arm ARM D1.8.2: the check uses the SCTLR of the current EL);
 *  - with stage 1 translation off every data access is Device-nGnRnE (Arm ARM D8.2.10), so an unaligned
 *    ordinary load takes an alignment fault (DFSC 0b100001).
 */
#include "runtime.h"

extern char sp_site[], ldr_site[];
void do_misaligned_sp(void);
uint64_t do_misaligned_ldr(uint64_t addr);

static volatile int taken;

int on_exception(int vector, struct exc_frame *f)
{
    taken++;
    uint32_t ec = esr_ec(f->esr);
    if (vector == 0 && ec == 0x26) {
        printf("sp alignment: EC=%x ISS=%x ELR=sp_site%+d SP_EL0 low bits=%lx\n", ec,
               (unsigned)(f->esr & 0x1ffffff), (int)(f->elr - (uint64_t)(uintptr_t)sp_site), f->sp_el0 & 0xf);
        f->sp_el0 &= ~(uint64_t)0xf;
        f->elr += 4;
        return 1;
    }
    if (vector == 0 && ec == 0x25) {
        printf("data abort: DFSC=%x WnR=%x ELR=ldr_site%+d FAR=%lx\n", (unsigned)(f->esr & 0x3f),
               (unsigned)(f->esr >> 6) & 1, (int)(f->elr - (uint64_t)(uintptr_t)ldr_site), f->far & 0xf);
        f->x[0] = 0xdead;
        f->elr += 4;
        return 1;
    }
    return 0;
}

int main(void)
{
    uint64_t sctlr = READ_SYSREG(sctlr_el1);
    printf("SCTLR.SA=%lx SA0=%lx M=%lx\n", (sctlr >> 3) & 1, (sctlr >> 4) & 1, sctlr & 1);
    do_misaligned_sp();
    printf("after misaligned sp, taken=%d\n", taken);
    static volatile uint64_t words[2] __attribute__((aligned(16))) = { 0x1111111111111111UL, 0x2222222222222222UL };
    uint64_t v = do_misaligned_ldr((uint64_t)(uintptr_t)&words[0] + 4);
    printf("misaligned ldr gave %lx, taken=%d\n", v, taken);
    v = do_misaligned_ldr((uint64_t)(uintptr_t)&words[1]);
    printf("aligned ldr gave %lx, taken=%d\n", v, taken);
    return taken;
}
