/*
 * Hand-picked A64 integer instructions on edge-case operands, in both register widths. Each result goes to
 * show(name, value, nzcv) (isa_main.c), which prints it; the flags are read right after each instruction, so
 * flag-setting forms are checked too, and restored after the call, so flags carry from one test to the next.
 * Operands live in callee-saved registers across the calls:
 *   x19 = 0, x20 = 1, x21 = -1, x22 = INT64_MIN, x23 = INT64_MAX, x24 = 0x80000000, x25 = 0x7fffffff,
 *   x26 = 0x0123456789abcdef, x27 = 0xfedcba9876543210, x28 = 3
 */
    .macro SHOW name, reg
    mrs     x2, nzcv
    mov     x1, \reg
    str     x2, [sp, #-16]!
    adrp    x0, .Lname\@
    add     x0, x0, :lo12:.Lname\@
    bl      show
    ldr     x9, [sp], #16               /* the flags survive the call, for the next instruction */
    msr     nzcv, x9
    .pushsection .rodata.isa_names, "a"
.Lname\@: .asciz "\name"
    .popsection
    .endm

    /* Sets NZCV from an immediate 0..15 (N = 8, Z = 4, C = 2, V = 1) without touching anything else but x9. */
    .macro FLAGS v
    mov     x9, #(\v << 28)
    msr     nzcv, x9
    .endm

    .text
    .globl isa_run
isa_run:
    stp     x29, x30, [sp, #-96]!
    mov     x29, sp
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    mov     x19, #0
    mov     x20, #1
    mov     x21, #-1
    mov     x22, #0x8000000000000000
    mov     x23, #0x7fffffffffffffff
    mov     x24, #0x80000000
    mov     x25, #0x7fffffff
    ldr     x26, =0x0123456789abcdef
    ldr     x27, =0xfedcba9876543210
    mov     x28, #3

    /* add/sub, immediate and shifted/extended register, flag setting */
    FLAGS 0
    adds    x9, x23, #1
    SHOW    "adds x max+1", x9
    adds    w9, w25, #1
    SHOW    "adds w max+1", x9
    adds    x9, x21, x20
    SHOW    "adds x -1+1", x9
    subs    x9, x19, x20
    SHOW    "subs x 0-1", x9
    subs    w9, w24, #1
    SHOW    "subs w min-1", x9
    subs    x9, x22, x20
    SHOW    "subs x min-1", x9
    cmp     x26, x27
    SHOW    "cmp x", x26
    cmn     w25, w20
    SHOW    "cmn w", x25
    add     x9, x26, x27, lsl #3
    SHOW    "add lsl", x9
    sub     x9, x26, x27, lsr #17
    SHOW    "sub lsr", x9
    adds    x9, x26, x27, asr #63
    SHOW    "adds asr", x9
    add     w9, w26, w27, asr #31
    SHOW    "add w asr", x9
    add     x9, x26, w27, sxtb #2
    SHOW    "add sxtb", x9
    add     x9, x26, w27, uxth #4
    SHOW    "add uxth", x9
    sub     x9, x26, w27, sxtw #1
    SHOW    "sub sxtw", x9
    subs    x9, x26, x27, uxtx #3
    SHOW    "subs uxtx", x9
    adds    w9, w26, w27, sxth
    SHOW    "adds w sxth", x9
    mov     x10, sp
    add     x9, sp, #0x123, lsl #12
    sub     x9, x9, x10
    SHOW    "add sp lsl12", x9
    add     x9, sp, w28, uxtw #3
    sub     x9, x9, x10
    SHOW    "add sp uxtw", x9

    /* with carry */
    FLAGS 2
    adcs    x9, x21, x19
    SHOW    "adcs -1+0+C", x9
    FLAGS 0
    adcs    x9, x23, x19
    SHOW    "adcs max+0+0", x9
    FLAGS 2
    adcs    w9, w25, w19
    SHOW    "adcs w max+C", x9
    FLAGS 0
    sbcs    x9, x19, x19
    SHOW    "sbcs 0-0-1", x9
    FLAGS 2
    sbcs    x9, x22, x20
    SHOW    "sbcs min-1", x9
    FLAGS 0
    sbc     w9, w24, w25
    SHOW    "sbc w", x9
    ngcs    x9, x26
    SHOW    "ngcs", x9
    negs    x9, x22
    SHOW    "negs min", x9
    negs    w9, w24
    SHOW    "negs w min", x9

    /* logical */
    ands    x9, x26, x27
    SHOW    "ands", x9
    ands    w9, w26, #0x80000001
    SHOW    "ands w imm", x9
    tst     x21, #0x5555555555555555
    SHOW    "tst imm", x21
    bics    x9, x26, x27, ror #13
    SHOW    "bics ror", x9
    orr     x9, x19, #0x00ff00ff00ff00ff
    SHOW    "orr imm", x9
    orn     w9, w26, w27, lsl #7
    SHOW    "orn w lsl", x9
    eor     x9, x26, #0xe0e0e0e0e0e0e0e0
    SHOW    "eor imm", x9
    eon     x9, x26, x27, asr #5
    SHOW    "eon asr", x9
    bic     w9, w21, w26, lsr #3
    SHOW    "bic w lsr", x9
    mvn     x9, x26
    SHOW    "mvn", x9

    /* moves */
    movz    x9, #0xbeef, lsl #48
    SHOW    "movz", x9
    movn    x9, #0x1234, lsl #16
    SHOW    "movn", x9
    movn    w9, #0x1234, lsl #16
    SHOW    "movn w", x9
    mov     x9, x26
    movk    x9, #0xcafe, lsl #32
    SHOW    "movk", x9
    mov     x9, x26
    movk    w9, #0xcafe, lsl #16
    SHOW    "movk w", x9

    /* bitfields */
    mov     x9, x27
    bfi     x9, x26, #12, #20
    SHOW    "bfi", x9
    mov     x9, x27
    bfxil   w9, w26, #3, #9
    SHOW    "bfxil w", x9
    sbfx    x9, x27, #7, #33
    SHOW    "sbfx", x9
    ubfx    w9, w27, #29, #3
    SHOW    "ubfx w", x9
    sbfiz   x9, x26, #60, #4
    SHOW    "sbfiz", x9
    ubfiz   w9, w27, #5, #20
    SHOW    "ubfiz w", x9
    sbfm    x9, x27, #50, #10
    SHOW    "sbfm wrap", x9
    bfm     w9, w26, #17, #3
    SHOW    "bfm w wrap", x9
    sxtb    x9, w27
    SHOW    "sxtb", x9
    sxth    w9, w26
    SHOW    "sxth w", x9
    sxtw    x9, w27
    SHOW    "sxtw", x9
    uxtb    w9, w27
    SHOW    "uxtb", x9
    uxth    w9, w21
    SHOW    "uxth", x9
    lsl     x9, x26, #63
    SHOW    "lsl imm", x9
    lsr     w9, w27, #31
    SHOW    "lsr w imm", x9
    asr     x9, x27, #9
    SHOW    "asr imm", x9
    extr    x9, x26, x27, #23
    SHOW    "extr", x9
    extr    w9, w26, w27, #31
    SHOW    "extr w", x9
    ror     x9, x26, #1
    SHOW    "ror imm", x9

    /* one and two source */
    clz     x9, x19
    SHOW    "clz 0", x9
    clz     w9, w24
    SHOW    "clz w min", x9
    cls     x9, x21
    SHOW    "cls -1", x9
    cls     w9, w27
    SHOW    "cls w", x9
    rbit    x9, x26
    SHOW    "rbit", x9
    rbit    w9, w26
    SHOW    "rbit w", x9
    rev     x9, x26
    SHOW    "rev", x9
    rev     w9, w26
    SHOW    "rev w", x9
    rev16   x9, x26
    SHOW    "rev16", x9
    rev32   x9, x26
    SHOW    "rev32", x9
    lsl     x9, x26, x28
    SHOW    "lslv", x9
    mov     x10, #67
    lsr     x9, x27, x10
    SHOW    "lsrv mod 64", x9
    asr     w9, w27, w10
    SHOW    "asrv w mod 32", x9
    ror     x9, x26, x10
    SHOW    "rorv", x9
    udiv    x9, x21, x28
    SHOW    "udiv", x9
    sdiv    x9, x22, x21
    SHOW    "sdiv min/-1", x9
    sdiv    w9, w24, w21
    SHOW    "sdiv w min/-1", x9
    udiv    x9, x26, x19
    SHOW    "udiv /0", x9
    sdiv    w9, w27, w19
    SHOW    "sdiv w /0", x9
    sdiv    x9, x27, x28
    SHOW    "sdiv neg", x9
    crc32b  w9, w26, w27
    SHOW    "crc32b", x9
    crc32h  w9, w26, w27
    SHOW    "crc32h", x9
    crc32w  w9, w26, w27
    SHOW    "crc32w", x9
    crc32x  w9, w26, x27
    SHOW    "crc32x", x9
    crc32cb w9, w26, w27
    SHOW    "crc32cb", x9
    crc32ch w9, w26, w27
    SHOW    "crc32ch", x9
    crc32cw w9, w26, w27
    SHOW    "crc32cw", x9
    crc32cx w9, w26, x27
    SHOW    "crc32cx", x9

    /* multiply */
    mul     x9, x26, x27
    SHOW    "mul", x9
    madd    w9, w26, w27, w25
    SHOW    "madd w", x9
    msub    x9, x26, x27, x22
    SHOW    "msub", x9
    mneg    x9, x26, x28
    SHOW    "mneg", x9
    smaddl  x9, w24, w24, x26
    SHOW    "smaddl", x9
    umaddl  x9, w21, w21, x20
    SHOW    "umaddl", x9
    smsubl  x9, w27, w26, x19
    SHOW    "smsubl", x9
    umsubl  x9, w27, w26, x19
    SHOW    "umsubl", x9
    smulh   x9, x22, x22
    SHOW    "smulh min*min", x9
    smulh   x9, x26, x27
    SHOW    "smulh", x9
    umulh   x9, x21, x21
    SHOW    "umulh -1*-1", x9
    umulh   x9, x26, x27
    SHOW    "umulh", x9

    /* conditional select and compare */
    FLAGS 6
    csel    x9, x26, x27, eq
    SHOW    "csel eq", x9
    csinc   x9, x26, x21, ne
    SHOW    "csinc ne", x9
    csinv   w9, w26, w27, hs
    SHOW    "csinv w hs", x9
    csneg   x9, x26, x27, lo
    SHOW    "csneg lo", x9
    cset    x9, hi
    SHOW    "cset hi", x9
    csetm   w9, ls
    SHOW    "csetm w ls", x9
    cinc    x9, x26, ge
    SHOW    "cinc ge", x9
    cneg    x9, x26, lt
    SHOW    "cneg lt", x9
    FLAGS 9
    cset    x9, gt
    SHOW    "cset gt", x9
    cset    x9, le
    SHOW    "cset le", x9
    cset    x9, vs
    SHOW    "cset vs", x9
    cset    x9, mi
    SHOW    "cset mi", x9
    FLAGS 4
    ccmp    x26, x27, #0xa, eq
    SHOW    "ccmp eq", x26
    FLAGS 0
    ccmp    x26, x27, #0xa, eq
    SHOW    "ccmp ne->nzcv", x26
    FLAGS 4
    ccmn    w25, #1, #0, eq
    SHOW    "ccmn w imm", x25
    FLAGS 2
    ccmp    x22, #31, #5, cs
    SHOW    "ccmp imm", x22
    FLAGS 0
    csel    x9, x26, x27, al
    SHOW    "csel al", x9
    csel    x9, x26, x27, nv
    SHOW    "csel nv", x9

    /* PC-relative */
    adr     x9, 1f
    adr     x10, isa_run
    sub     x9, x9, x10
1:  SHOW    "adr", x9
    adrp    x9, isa_run
    adr     x10, isa_run
    and     x10, x10, #~0xfff
    sub     x9, x9, x10
    SHOW    "adrp", x9

    /* branches: each taken branch adds a bit to x9 */
    FLAGS 8
    mov     x9, #0
    b.mi    1f
    orr     x9, x9, #1
1:  b.pl    1f
    orr     x9, x9, #2
1:  cbz     x19, 1f
    orr     x9, x9, #4
1:  cbnz    w24, 1f
    orr     x9, x9, #8
1:  tbz     x27, #0, 1f
    orr     x9, x9, #16
1:  tbnz    x22, #63, 1f
    orr     x9, x9, #32
1:  cbnz    x19, 1f
    orr     x9, x9, #64
1:  tbz     w21, #31, 1f
    orr     x9, x9, #128
1:  adr     x10, 1f
    br      x10
    orr     x9, x9, #256
1:  bl      2f
    orr     x9, x9, #512
    b       3f
2:  ret
3:  SHOW    "branches", x9

    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    ldp     x29, x30, [sp], #96
    ret
    .ltorg
