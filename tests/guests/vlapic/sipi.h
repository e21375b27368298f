/* Where the STARTUP trampoline lives (a page below 1 MiB: the vector is
 * its page number) and the words it leaves for vCPU 0, at the end of
 * that page. */
#ifndef VLAPIC_SIPI_H
#define VLAPIC_SIPI_H

#define SIPI_VECTOR	0x09
#define SIPI_BASE	(SIPI_VECTOR << 12)
#define SIPI_COUNT_OFF	0xff0	/* starts seen */
#define SIPI_RC_OFF	0xff4	/* its console_io result */
#define SIPI_DONE_OFF	0xff8	/* 1 once it is done */

#endif
