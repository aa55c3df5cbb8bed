// Bare-metal runner for the FP/SIMD differential tests (QEMU virt, EL1, MMU off).
// Case table at CASES (loaded raw by QEMU's loader device): a 1 KiB header whose first word is the number of
// cases, then 1 KiB per case:
//   0x000 V0..V31   0x200 X0..X15   0x280 NZCV   0x288 FPCR   0x290 FPSR   0x298 instruction word
//   0x300 256 bytes of memory copied to BUF before the instruction runs
// Each case: memory and registers are loaded, the instruction runs from SLOT (followed by a branch back), the same
// layout is written to OUT, with 0x298 = ESR | 1<<63 if the instruction took an exception (else 0) and 0x300
// the memory at BUF afterwards. OUT is then written to the host file "fp-out.bin" by semihosting.
        .equ CASES, 0x48000000
        .equ OUT,   0x50000000
        .equ SLOT,  0x40100000
        .equ BUF,   0x40200000

        .text
        .globl _start
_start:
        mov     x0, #(3 << 20)
        msr     cpacr_el1, x0
        adr     x0, vectors
        msr     vbar_el1, x0
        isb
        ldr     x19, =CASES
        ldr     w20, [x19]
        mov     w28, w20
        add     x19, x19, #1024
        ldr     x21, =OUT
        ldr     x22, =SLOT
        ldr     x23, =BUF
        // The slot is the instruction then "b after" (not RET: a random instruction may write X30).
        adr     x24, after
        sub     x24, x24, x22
        sub     x24, x24, #4
        lsr     x24, x24, #2
        and     x24, x24, #0x3ffffff
        mov     x25, #0x14000000
        orr     x24, x24, x25
        str     w24, [x22, #4]

next:
        cbz     w20, finish
        // memory in
        mov     x24, #0
1:      add     x25, x19, #0x300
        ldr     x25, [x25, x24]
        str     x25, [x23, x24]
        add     x24, x24, #8
        cmp     x24, #256
        b.ne    1b
        // the instruction
        ldr     w24, [x19, #0x298]
        str     w24, [x22]
        dc      cvau, x22
        dsb     ish
        ic      ivau, x22
        dsb     ish
        isb
        ldr     x24, [x19, #0x288]
        msr     fpcr, x24
        ldr     x24, [x19, #0x290]
        msr     fpsr, x24
        ldp     q0, q1, [x19, #0x000]
        ldp     q2, q3, [x19, #0x020]
        ldp     q4, q5, [x19, #0x040]
        ldp     q6, q7, [x19, #0x060]
        ldp     q8, q9, [x19, #0x080]
        ldp     q10, q11, [x19, #0x0a0]
        ldp     q12, q13, [x19, #0x0c0]
        ldp     q14, q15, [x19, #0x0e0]
        ldp     q16, q17, [x19, #0x100]
        ldp     q18, q19, [x19, #0x120]
        ldp     q20, q21, [x19, #0x140]
        ldp     q22, q23, [x19, #0x160]
        ldp     q24, q25, [x19, #0x180]
        ldp     q26, q27, [x19, #0x1a0]
        ldp     q28, q29, [x19, #0x1c0]
        ldp     q30, q31, [x19, #0x1e0]
        // Save the runner's registers: the instruction may write any of them.
        adr     x24, saved
        stp     x19, x20, [x24, #0]
        stp     x21, x22, [x24, #16]
        stp     x23, x28, [x24, #32]
        adr     x24, esr_slot
        str     xzr, [x24]
        ldr     x24, [x19, #0x280]
        msr     nzcv, x24
        add     x25, x19, #0x200
        ldp     x0, x1, [x25, #0x00]
        ldp     x2, x3, [x25, #0x10]
        ldp     x4, x5, [x25, #0x20]
        ldp     x6, x7, [x25, #0x30]
        ldp     x8, x9, [x25, #0x40]
        ldp     x10, x11, [x25, #0x50]
        ldp     x12, x13, [x25, #0x60]
        ldp     x14, x15, [x25, #0x70]
        br      x22
after:
        mrs     x25, nzcv
        adr     x24, saved
        ldp     x19, x20, [x24, #0]
        ldp     x21, x22, [x24, #16]
        ldp     x23, x28, [x24, #32]
        str     x25, [x21, #0x280]
        mrs     x24, fpsr
        str     x24, [x21, #0x290]
        mrs     x24, fpcr
        str     x24, [x21, #0x288]
        adr     x24, esr_slot
        ldr     x26, [x24]
        str     x26, [x21, #0x298]
        stp     q0, q1, [x21, #0x000]
        stp     q2, q3, [x21, #0x020]
        stp     q4, q5, [x21, #0x040]
        stp     q6, q7, [x21, #0x060]
        stp     q8, q9, [x21, #0x080]
        stp     q10, q11, [x21, #0x0a0]
        stp     q12, q13, [x21, #0x0c0]
        stp     q14, q15, [x21, #0x0e0]
        stp     q16, q17, [x21, #0x100]
        stp     q18, q19, [x21, #0x120]
        stp     q20, q21, [x21, #0x140]
        stp     q22, q23, [x21, #0x160]
        stp     q24, q25, [x21, #0x180]
        stp     q26, q27, [x21, #0x1a0]
        stp     q28, q29, [x21, #0x1c0]
        stp     q30, q31, [x21, #0x1e0]
        add     x25, x21, #0x200
        stp     x0, x1, [x25, #0x00]
        stp     x2, x3, [x25, #0x10]
        stp     x4, x5, [x25, #0x20]
        stp     x6, x7, [x25, #0x30]
        stp     x8, x9, [x25, #0x40]
        stp     x10, x11, [x25, #0x50]
        stp     x12, x13, [x25, #0x60]
        stp     x14, x15, [x25, #0x70]
        // memory out
        mov     x24, #0
1:      ldr     x25, [x23, x24]
        add     x27, x21, #0x300
        str     x25, [x27, x24]
        add     x24, x24, #8
        cmp     x24, #256
        b.ne    1b
        add     x19, x19, #1024
        add     x21, x21, #1024
        sub     w20, w20, #1
        b       next

finish:
        // SYS_OPEN("fp-out.bin", "wb")
        adr     x1, open_block
        mov     x0, #0x01
        hlt     #0xf000
        adr     x1, write_block
        str     x0, [x1]
        ldr     x2, =OUT
        str     x2, [x1, #8]
        lsl     x3, x28, #10
        str     x3, [x1, #16]
        mov     x27, x0
        mov     x0, #0x05
        hlt     #0xf000
        adr     x1, write_block
        str     x27, [x1]
        mov     x0, #0x02
        hlt     #0xf000
        adr     x1, exit_block
        mov     x0, #0x18
        hlt     #0xf000
        b       .

exception:
        mrs     x26, esr_el1
        orr     x26, x26, #(1 << 63)
        adr     x27, esr_slot
        str     x26, [x27]
        adr     x27, after
        msr     elr_el1, x27
        eret

        .balign 8
open_block:
        .quad   filename
        .quad   5
        .quad   10
write_block:
        .quad   0, 0, 0
exit_block:
        .quad   0x20026, 0
filename:
        .asciz  "fp-out.bin"

        .balign 2048
vectors:
        .rept   16
        b       exception
        .balign 128
        .endr
        .ltorg

        // Written on every case: keep it off the pages holding code.
        .balign 4096
saved:
        .quad   0, 0, 0, 0, 0, 0
esr_slot:
        .quad   0
