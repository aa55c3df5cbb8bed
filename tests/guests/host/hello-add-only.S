// A semihosting "hello" that uses only ADD (immediate), HLT and B, so that it runs on the very first
// interpreter. Every X register is zero at reset; the program builds its own address (0x40000000, where
// it is linked) 4 MiB at a time, prints a line with SYS_WRITE0, then exits with code 42 through SYS_EXIT.
    .text
    .globl _start
_start:
    .rept 256
    add x1, x1, #0x400, lsl #12         // x1 += 4 MiB, 256 times: 0x40000000
    .endr
    add x1, x1, #(msg - _start)
    add x0, x0, #4                      // SYS_WRITE0
    hlt #0xf000
    add x1, x1, #(block - msg)
    add x0, x2, #0x18                   // SYS_EXIT (x0 is corrupted by SYS_WRITE0; x2 is still 0)
    hlt #0xf000
1:  b 1b

msg:
    .asciz "hello from the guest\n"
    .balign 8
block:
    .quad 0x20026                       // ADP_Stopped_ApplicationExit
    .quad 42                            // exit code
