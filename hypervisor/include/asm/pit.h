/*
 * The PC's 8254 programmable interval timer: the ports and the one
 * channel Umbra uses (channel 2, whose gate and output are in port 0x61),
 * both to calibrate its own clocks at boot (time.c) and as the only PIT
 * a domU sees (arch/x86/hvm/pit2.c).
 */
#ifndef ASM_PIT_H
#define ASM_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ		1193182ULL
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61	/* bit 0: ch2 gate, bit 1: speaker, bit 5: out */

/* Control word fields (port 0x43). */
#define PIT_CMD_CHANNEL(c)	(((c) >> 6) & 3)
#define PIT_CMD_ACCESS(c)	(((c) >> 4) & 3)	/* 0 latch, 1 lsb, 2 msb, 3 lsb then msb */
#define PIT_ACCESS_LATCH	0
#define PIT_ACCESS_LSB		1
#define PIT_ACCESS_MSB		2
#define PIT_ACCESS_WORD		3

/*
 * A domU's channel 2, as far as software reads it back: the count it
 * loaded, going down at PIT_HZ from when it was loaded (the gate is taken
 * as high), read and written through port 0x42 in the access mode of
 * the last control word, with the counter latch command. Modes, output
 * and gate are not modelled: Linux on AMD reads the count back to
 * calibrate its CPU clock (quick_pit_calibrate), and against a port that
 * reads all-ones it spins 100 000 reads (5 s under TCG) before giving up;
 * against a counting channel it gives up after a handful, the same
 * result (Xen's PVH gives no PIT either; the TSC rate comes from CPUID).
 */
struct pit2 {
	uint64_t load_tsc;	/* when the count was loaded */
	uint16_t reload;	/* the count loaded */
	uint16_t latch;		/* a latched count, while latched */
	uint8_t access;		/* PIT_ACCESS_* of the last control word */
	bool latched, read_msb, write_msb;
};

/* Port 0x43 / 0x42 for a domU; tsc is now, tsc_khz the TSC's rate. */
void pit2_control(struct pit2 *p, uint8_t val, uint64_t tsc, uint64_t tsc_khz);
void pit2_write(struct pit2 *p, uint8_t val, uint64_t tsc);
uint8_t pit2_read(struct pit2 *p, uint64_t tsc, uint64_t tsc_khz);

#endif
