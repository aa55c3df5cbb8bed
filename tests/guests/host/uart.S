// Prints "uart ok\n" on the PL011 at 0x09000000 (waiting while UARTFR.TXFF is set, as a driver must),
// then exits with code 0 through semihosting SYS_EXIT.
    .text
    .globl _start
_start:
    movz x2, #0x0900, lsl #16           // UART0 base
    adr x3, msg
1:  ldrb w4, [x3], #1
    cbz w4, 3f
2:  ldr w5, [x2, #0x18]                 // UARTFR
    tbnz w5, #5, 2b                     // TXFF: transmit FIFO full
    strb w4, [x2]                       // UARTDR
    b 1b
3:  adr x1, block
    mov w0, #0x18                       // SYS_EXIT
    hlt #0xf000
4:  b 4b

msg:
    .asciz "uart ok\n"
    .balign 8
block:
    .quad 0x20026, 0                    // ADP_Stopped_ApplicationExit, exit code 0
