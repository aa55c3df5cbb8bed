/* The instructions exceptions.c provokes, at labelled sites so that the handlers can check ELR. */
    .text
    .globl do_udf, udf_site
do_udf:
udf_site:
    udf     #0x1234
    ret

    .globl do_brk, brk_site
do_brk:
brk_site:
    brk     #0x77
    ret

/* do_branch(target): BLR to target; the handler resumes at x30 (the return address here). */
    .globl do_branch
do_branch:
    stp     x29, x30, [sp, #-16]!
    blr     x0
    ldp     x29, x30, [sp], #16
    ret

/*
 * do_misaligned_ldr(addr): one 8-byte exclusive load, which must be aligned whatever the memory type (Arm ARM
 * B2.5.2); a data abort handler sets x0 = 0xdead and skips it.
 */
    .globl do_misaligned_ldr, ldr_site
do_misaligned_ldr:
ldr_site:
    ldxr    x0, [x0]
    clrex
    ret

/* do_load(addr) / do_store(addr, value): one access each, for the external aborts on unmapped memory. */
    .globl do_load, do_store, load_site, store_site
do_load:
load_site:
    ldr     x0, [x0]
    ret
do_store:
store_site:
    str     x1, [x0]
    ret

/*
 * run_at_el0(fn, stack): ERET to fn at EL0 (EL0t, interrupts masked) with SP_EL0 = stack. The EL0 code ends
 * with an SVC; the handler returns to EL1 at x19 (set here to the continuation) with the EL1 SP_EL0 restored
 * from x20.
 */
    .globl run_at_el0
run_at_el0:
    stp     x29, x30, [sp, #-32]!
    stp     x19, x20, [sp, #16]
    mov     x20, sp
    adr     x19, 1f
    msr     elr_el1, x0
    mov     x2, #0x3c0                  /* SPSR: EL0t, DAIF masked */
    msr     spsr_el1, x2
    mov     sp, x1                      /* SP_EL0 for the EL0 code (PSTATE.SP is 0 here, so SP is SP_EL0) */
    eret
1:  mov     sp, x20
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #32
    ret

    .globl el0_code, el0_svc_site, el0_mrs_site
el0_code:
    mov     x0, #0x55
el0_mrs_site:
    mrs     x1, sctlr_el1               /* EL1 register: UNDEFINED at EL0 */
    add     x0, x0, #1
el0_svc_site:
    svc     #0x99
    b       .
