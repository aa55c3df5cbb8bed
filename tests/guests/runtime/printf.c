/*
 * A tiny printf: %d %i %u %x %X %p %s %c %%, with the l/ll/z length modifiers, a field width and the '0', '-'
 * and '+' flags. Output collects in a line buffer written with one SYS_WRITE0 per line (semihosting calls are
 * the expensive part of a guest's run under either emulator).
 */
#include "runtime.h"

static char buf[1024];
static unsigned len;

void rt_flush(void)
{
    if (len == 0) return;
    buf[len] = 0;
    semihost_write0(buf);
    len = 0;
}

int putchar(int c)
{
    buf[len++] = (char)c;
    if (c == '\n' || len == sizeof buf - 1) rt_flush();
    return c;
}

int puts(const char *s)
{
    while (*s) putchar(*s++);
    putchar('\n');
    return 0;
}

static int emit(const char *s, int n, int width, int left, char pad)
{
    int count = 0;
    if (!left) for (; width > n; width--, count++) putchar(pad);
    for (int i = 0; i < n; i++, count++) putchar(s[i]);
    if (left) for (; width > n; width--, count++) putchar(' ');
    return count;
}

int vprintf(const char *fmt, va_list ap)
{
    int count = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') { putchar(*fmt); count++; continue; }
        fmt++;
        int left = 0, plus = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '+') plus = 1;
            else if (*fmt == '0') pad = '0';
            else break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        int lng = 0;
        while (*fmt == 'l' || *fmt == 'z') { lng++; fmt++; }
        char tmp[24];
        int n = 0;
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
            do { tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10); u /= 10; } while (u);
            if (v < 0) tmp[sizeof tmp - 1 - n++] = '-';
            else if (plus) tmp[sizeof tmp - 1 - n++] = '+';
            count += emit(tmp + sizeof tmp - n, n, width, left, pad);
            break;
        }
        case 'u': case 'x': case 'X': case 'p': {
            uint64_t u = *fmt == 'p' ? (uint64_t)(uintptr_t)va_arg(ap, void *)
                       : lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            unsigned base = *fmt == 'u' ? 10 : 16;
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            do { tmp[sizeof tmp - 1 - n++] = digits[u % base]; u /= base; } while (u);
            count += emit(tmp + sizeof tmp - n, n, width, left, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            count += emit(s, (int)strlen(s), width, left, ' ');
            break;
        }
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            count += emit(tmp, 1, width, left, ' ');
            break;
        case '%':
            putchar('%');
            count++;
            break;
        case 0:
            return count;
        default:
            putchar('%');
            putchar(*fmt);
            count += 2;
        }
    }
    return count;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
