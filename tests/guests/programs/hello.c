/* The smallest guest: console output through semihosting and an exit code from main. */
#include "runtime.h"

int main(void)
{
    printf("hello from %s: %d %u %x %016lx %c %s|%5d|%-5d|\n", "FastArm", -42, 42u, 0xbeefu, 0x1234UL, '!', "ok", 7, 7);
    return 3;
}
