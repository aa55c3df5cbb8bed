/* The bare-metal test runtime: console output, exit, exception hook. */
#ifndef RUNTIME_H
#define RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "semihosting.h"

/* Buffered console output through semihosting; flushed at '\n', when full and at exit. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
void rt_flush(void);
/* Flushes the console and stops with `code` (SYS_EXIT with ADP_Stopped_ApplicationExit). */
__attribute__((noreturn)) void rt_exit(int code);
__attribute__((noreturn)) void exit(int code);

/* What the vectors save (crt0.S, frame.h). */
struct exc_frame {
    uint64_t x[31];
    uint64_t elr, spsr, sp_el0, esr, far;
};

/* Vector index (0..15): 4 * group + kind; group 0 = current EL/SP_EL0, 1 = current EL/SP_ELx,
   2 = lower EL AArch64, 3 = lower EL AArch32; kind 0 = synchronous, 1 = IRQ, 2 = FIQ, 3 = SError. */
enum { EXC_SYNC = 0, EXC_IRQ = 1, EXC_FIQ = 2, EXC_SERROR = 3 };

/*
 * A program may define this to handle exceptions: return nonzero to resume (ERET with the frame as changed,
 * e.g. elr advanced), zero to fall through to the default report. The default report prints the vector,
 * ESR, ELR (and FAR for aborts) and exits with code EXIT_EXCEPTION_BASE + vector index.
 */
int on_exception(int vector, struct exc_frame *f);
#define EXIT_EXCEPTION_BASE 100

static inline uint32_t esr_ec(uint64_t esr) { return (uint32_t)(esr >> 26) & 0x3f; }

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#define READ_SYSREG(name) ({ uint64_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define WRITE_SYSREG(name, v) __asm__ volatile("msr " #name ", %0" :: "r"((uint64_t)(v)) : "memory")

#endif
