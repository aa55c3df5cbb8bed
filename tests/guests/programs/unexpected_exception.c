/* An exception nobody handles: the runtime's default report (vector, ESR, ELR) and exit code 100 + vector. */
#include "runtime.h"

int main(void)
{
    printf("before\n");
    __asm__ volatile("udf #7");
    printf("after\n");
    return 0;
}
