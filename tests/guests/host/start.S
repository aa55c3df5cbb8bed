// Entry for the C guests: a stack, main(), then SYS_EXIT with main's return value as the exit code.
    .section .text.boot
    .globl _start
_start:
    ldr x0, =stack_top
    mov sp, x0
    bl main
    sub sp, sp, #16
    mov x1, #0x0026
    movk x1, #2, lsl #16                // ADP_Stopped_ApplicationExit (0x20026)
    stp x1, x0, [sp]                    // {reason, subcode = main's result}
    mov x1, sp
    mov w0, #0x18                       // SYS_EXIT
    hlt #0xf000
1:  b 1b
