/* flags.c: the parity table behind PF (set when the low byte of a result
 * has an even number of one bits). */
#include "cpu/flags.h"

#define P2(n) n, n ^ FLAG_PF, n ^ FLAG_PF, n
#define P4(n) P2(n), P2(n ^ FLAG_PF), P2(n ^ FLAG_PF), P2(n)
#define P6(n) P4(n), P4(n ^ FLAG_PF), P4(n ^ FLAG_PF), P4(n)
const uint8_t flags_parity[256] = {P6(FLAG_PF), P6(0), P6(0), P6(FLAG_PF)};
