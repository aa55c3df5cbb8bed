    .text
/* SP is SP_EL0 here (crt0 runs programs with PSTATE.SP = 0); a store based on SP - 8 must fault with SA set. */
    .globl do_misaligned_sp, sp_site
do_misaligned_sp:
    mov     x9, sp
    sub     sp, sp, #8
sp_site:
    str     x9, [sp]
    mov     sp, x9
    ret

/* do_misaligned_ldr(addr): an ordinary 8-byte load. */
    .globl do_misaligned_ldr, ldr_site
do_misaligned_ldr:
ldr_site:
    ldr     x0, [x0]
    ret
