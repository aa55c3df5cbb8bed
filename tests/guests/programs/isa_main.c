/* Prints what isa.S computes: one line per instruction, its result and the NZCV flags right after it. */
#include "runtime.h"

void isa_run(void);
static unsigned count;

void show(const char *name, uint64_t value, uint64_t nzcv)
{
    unsigned f = (unsigned)(nzcv >> 28);
    printf("%-16s %016lx %c%c%c%c\n", name, value, f & 8 ? 'N' : '-', f & 4 ? 'Z' : '-', f & 2 ? 'C' : '-', f & 1 ? 'V' : '-');
    count++;
}

int main(void)
{
    isa_run();
    printf("%u results\n", count);
    return 0;
}
