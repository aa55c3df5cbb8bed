/*
 * Start-up and exception vectors for bare-metal test guests (EL1, MMU off).
 *
 * Stacks: the program (main) runs with PSTATE.SP = 0, i.e. on SP_EL0, while every exception handler runs on
 * SP_EL1. Synchronous exceptions from the program therefore enter through the "current EL with SP_EL0" vectors
 * (VBAR_EL1 + 0x000..0x180) on a stack the program cannot have broken, so even an SP alignment fault or a wild
 * SP is reported instead of faulting again inside the handler.
 */
#include "frame.h"

    .section .text.boot, "ax"
    .globl _start
_start:
    msr     daifset, #0xf
    mrs     x0, CurrentEL
    lsr     x0, x0, #2
    cmp     x0, #1
    b.eq    at_el1
    cmp     x0, #2
    b.ne    bad_el
    /* Entered at EL2 (a machine with virtualization on): run the program at EL1 in AArch64. */
    mov     x0, #(1 << 31)              /* HCR_EL2.RW */
    msr     hcr_el2, x0
    mov     x0, #0x3c5                  /* SPSR: EL1h, DAIF masked */
    msr     spsr_el2, x0
    adr     x0, at_el1
    msr     elr_el2, x0
    eret
bad_el:
    /* EL3 or something unexpected: report and stop. */
    adr     x1, bad_el_msg
    mov     w0, #0x04                   /* SYS_WRITE0 */
    hlt     #0xf000
    mov     x0, #126
    b       rt_exit

at_el1:
    adr     x0, vectors
    msr     vbar_el1, x0
    /*
     * SCTLR_EL1: a known value so that both emulators agree whatever they reset it to: the RES1 bits
     * (29, 28, 23, 22, 20, 11), SA (3) and SA0 (4); MMU, caches and the alignment check (A) off.
     */
    ldr     x0, =0x30d00818
    msr     sctlr_el1, x0
    /* CPACR_EL1.FPEN = 0b11: FP/SIMD does not trap, so compiler-generated code may use it. */
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    isb
    ldr     x0, =__exc_stack_top
    mov     sp, x0                      /* SP_EL1: the exception stack */
    msr     spsel, #0
    ldr     x0, =__stack_top
    mov     sp, x0                      /* SP_EL0: the program stack */
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:  mov     x29, #0
    mov     x30, #0
    bl      main
    b       rt_exit                     /* exit code = main's return value */

bad_el_msg:
    .asciz  "crt0: not entered at EL1 or EL2\n"
    .balign 4

/*
 * The vector table: 16 entries of 0x80 bytes (Arm ARM D1.10.2). Each saves x0/x1 in a frame on SP_EL1, puts
 * its index (0..15) in x0 and joins the common path, which saves the rest and calls
 * exception_dispatch(index, frame) (exceptions.c). When that returns, the frame (possibly changed: ELR, SPSR,
 * SP_EL0, registers) is restored and the handler returns with ERET.
 */
    .macro  vector idx
    .balign 0x80
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #0]
    mov     x0, #\idx
    b       exc_common
    .endm

    .text
    .balign 0x800
    .globl vectors
vectors:
    vector 0
    vector 1
    vector 2
    vector 3
    vector 4
    vector 5
    vector 6
    vector 7
    vector 8
    vector 9
    vector 10
    vector 11
    vector 12
    vector 13
    vector 14
    vector 15

exc_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    str     x30, [sp, #240]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #FRAME_ELR]
    mrs     x1, sp_el0
    mrs     x2, esr_el1
    stp     x1, x2, [sp, #FRAME_SP_EL0]
    mrs     x1, far_el1
    str     x1, [sp, #FRAME_FAR]
    mov     x1, sp
    bl      exception_dispatch
    ldp     x1, x2, [sp, #FRAME_ELR]
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldr     x1, [sp, #FRAME_SP_EL0]
    msr     sp_el0, x1
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x19, [sp, #144]
    ldp     x20, x21, [sp, #160]
    ldp     x22, x23, [sp, #176]
    ldp     x24, x25, [sp, #192]
    ldp     x26, x27, [sp, #208]
    ldp     x28, x29, [sp, #224]
    ldr     x30, [sp, #240]
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #FRAME_SIZE
    eret

/* rt_exit(code): semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and the code as subcode; never returns. */
    .globl rt_exit
rt_exit:
    msr     daifset, #0xf
    mov     x19, x0
    bl      rt_flush
    sub     sp, sp, #16
    ldr     x1, =0x20026                /* ADP_Stopped_ApplicationExit */
    stp     x1, x19, [sp]
    mov     x1, sp
    mov     w0, #0x18                   /* SYS_EXIT */
    hlt     #0xf000
1:  wfi                                 /* semihosting is off: nothing else can stop the machine */
    b       1b

    .ltorg
