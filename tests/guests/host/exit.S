// Exits through semihosting operation OP (SYS_EXIT 0x18 or SYS_EXIT_EXTENDED 0x20) with the parameter block
// {REASON, SUBCODE}; OP, REASON and SUBCODE come from -D on the command line. Uses only ADD (immediate), HLT
// and B, so it runs on any interpreter: every X register is zero at reset.
    .text
    .globl _start
_start:
    .rept 256
    add x1, x1, #0x400, lsl #12         // x1 = 0x40000000, where the program is linked
    .endr
    add x1, x1, #(block - _start)
    add x0, x0, #OP
    hlt #0xf000
1:  b 1b

    .balign 8
block:
    .quad REASON, SUBCODE
