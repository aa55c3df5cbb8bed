// A bare-metal guest that does everything itself: builds VMSAv8-64 stage 1 tables (4K granule, 48-bit VAs,
// both halves) in RAM with the MMU off, programs MAIR_EL1/TCR_EL1/TTBR0_EL1/TTBR1_EL1, turns the MMU on, reads
// through pages and a TTBR1 block, takes access flag, translation and permission faults in its own vector
// handler, repairs a descriptor and remaps a page with TLBI. Run by GuestMmuSelfMappedTests (assembled at test
// time, loaded and started at 0x40000000, EL1). The data area holds its own PA in every doubleword.
//
// Results: x20..x26 (see the test), fault log at RES: [0] = count, entry n at RES + 16 * n = ESR, FAR.
// No literal pools (the run ends at the last instruction): constants are built with movq.

.equ T,       0x40400000              // 8 table pages
.equ DATA,    0x40800000
.equ RES,     0x40700000
.equ TESTVA,  0x80000000              // 16 pages through L1[2] -> L2' -> L3
.equ UPPER,   0xFFFFFFFFC0000000      // the last 1 GiB of the TTBR1 half
.equ PAGE,    0x707                   // page: AF, Inner Shareable, AttrIndx 1 (Normal WB), AP = 00
.equ BLOCK,   0x705                   // block: the same attributes

.macro movq rd, val
    movz \rd, #((\val) & 0xffff)
    movk \rd, #(((\val) >> 16) & 0xffff), lsl #16
    movk \rd, #(((\val) >> 32) & 0xffff), lsl #32
    movk \rd, #(((\val) >> 48) & 0xffff), lsl #48
.endm

    b main

    .balign 2048
vectors:
    .rept 16
    b handler
    .balign 128
    .endr

// Logs ESR_EL1/FAR_EL1 and resumes after the faulting instruction.
handler:
    movz x16, #(RES >> 16), lsl #16
    ldr x17, [x16]
    add x17, x17, #1
    str x17, [x16]
    add x17, x16, x17, lsl #4
    mrs x16, esr_el1
    str x16, [x17]
    mrs x16, far_el1
    str x16, [x17, #8]
    mrs x16, elr_el1
    add x16, x16, #4
    msr elr_el1, x16
    eret

main:
    adr x0, vectors
    msr vbar_el1, x0
    movz x0, #(RES >> 16), lsl #16
    str xzr, [x0]

    // Zero the 8 table pages (MMU off: Device memory, aligned stores only).
    movq x0, T
    add x1, x0, #0x8000
1:  stp xzr, xzr, [x0], #16
    cmp x0, x1
    b.lo 1b

    // TTBR0: L0[0] -> L1 (T + 0x1000); L1[1] (VA 0x40000000) -> L2 (T + 0x2000); L1[2] (TESTVA) -> L2' (T + 0x4000).
    movq x0, T
    add x1, x0, #0x1000
    orr x2, x1, #3
    str x2, [x0]
    add x3, x0, #0x2000
    orr x2, x3, #3
    str x2, [x1, #8]
    add x4, x0, #0x4000
    orr x2, x4, #3
    str x2, [x1, #16]

    // L2[0..7]: RAM identity-mapped with 2 MiB blocks.
    movq x5, 0x40000000 + BLOCK
    mov x6, #0
2:  str x5, [x3, x6, lsl #3]
    add x5, x5, #0x200000
    add x6, x6, #1
    cmp x6, #8
    b.lo 2b

    // L2'[0] -> L3 (T + 0x5000); L3[i] = page DATA + (15 - i) * 4 KiB, i = 0..15.
    add x7, x0, #0x5000
    orr x2, x7, #3
    str x2, [x4]
    movq x5, DATA + 15 * 0x1000 + PAGE
    mov x6, #0
3:  str x5, [x7, x6, lsl #3]
    sub x5, x5, #0x1000
    add x6, x6, #1
    cmp x6, #16
    b.lo 3b

    // Page 5: access flag clear. Page 6: invalid. Page 7: read-only (AP[2] = 1).
    ldr x2, [x7, #40]
    bic x2, x2, #(1 << 10)
    str x2, [x7, #40]
    str xzr, [x7, #48]
    ldr x2, [x7, #56]
    orr x2, x2, #(1 << 7)
    str x2, [x7, #56]

    // TTBR1: L0 (T + 0x6000)[511] -> L1 (T + 0x7000); L1[511] = 1 GiB block at 0x40000000.
    add x8, x0, #0x6000
    add x9, x0, #0x7000
    orr x2, x9, #3
    str x2, [x8, #(511 * 8)]
    movq x2, 0x40000000 + BLOCK
    str x2, [x9, #(511 * 8)]
    dsb ish

    // MAIR: Attr0 Device-nGnRnE, Attr1 Normal WB. TCR: T0SZ = T1SZ = 16, TG0 = 4K, TG1 = 4K (2), walks Inner
    // Shareable WB, IPS = 48 bits.
    mov x0, #0xFF00
    msr mair_el1, x0
    movq x0, (16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (5 << 32))
    msr tcr_el1, x0
    movq x0, T
    msr ttbr0_el1, x0
    add x0, x0, #0x6000
    msr ttbr1_el1, x0
    isb
    tlbi vmalle1
    dsb nsh
    isb
    mrs x0, sctlr_el1
    orr x0, x0, #1
    orr x0, x0, #(1 << 2)
    orr x0, x0, #(1 << 12)
    msr sctlr_el1, x0
    isb

    // x20: the sum of the first doubleword of test pages 0-4.
    movq x1, TESTVA
    mov x20, #0
    mov x2, #0
4:  lsl x3, x2, #12
    ldr x3, [x1, x3]
    add x20, x20, x3
    add x2, x2, #1
    cmp x2, #5
    b.lo 4b

    // The faults: access flag (page 5), translation (page 6), permission (a write to page 7; its read works).
    mov x21, #0
    mov x22, #0
    ldr x21, [x1, #0x5000]
    ldr x22, [x1, #0x6000]
    ldr x23, [x1, #0x7008]
    str x23, [x1, #0x7010]

    // The upper half: through TTBR1's block.
    movq x4, UPPER + (DATA - 0x40000000) + 0x18
    ldr x24, [x4]

    // Set page 5's access flag, invalidate its entry, read it.
    ldr x2, [x7, #40]
    orr x2, x2, #(1 << 10)
    str x2, [x7, #40]
    dsb ishst
    lsr x5, x1, #12
    add x5, x5, #5
    tlbi vae1, x5
    dsb ish
    isb
    ldr x25, [x1, #0x5000]

    // Remap page 0 to DATA + 0x20000 (after a read that caches it), invalidate by last level, read again.
    ldr x26, [x1, #0x20]
    movq x2, DATA + 0x20000 + PAGE
    str x2, [x7]
    dsb ishst
    lsr x5, x1, #12
    tlbi vale1, x5
    dsb ish
    isb
    ldr x26, [x1, #0x20]
