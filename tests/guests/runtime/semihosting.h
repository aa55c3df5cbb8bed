/* Arm semihosting for A64 guests (HLT #0xF000; operation in W0, parameter in X1, result in X0). */
#ifndef SEMIHOSTING_H
#define SEMIHOSTING_H

#include <stdint.h>

#define SYS_WRITEC          0x03
#define SYS_WRITE0          0x04
#define SYS_EXIT            0x18
#define SYS_EXIT_EXTENDED   0x20
#define ADP_Stopped_ApplicationExit 0x20026

/* One semihosting call. */
uint64_t semihost_call(uint32_t op, uint64_t param);
/* Writes one character to the debug console (unbuffered). */
void semihost_writec(char c);
/* Writes a NUL-terminated string to the debug console (unbuffered). */
void semihost_write0(const char *s);
/* Stops the machine with exit status `code` (SYS_EXIT_EXTENDED). Never returns. */
__attribute__((noreturn)) void semihost_exit(int code);

#endif
