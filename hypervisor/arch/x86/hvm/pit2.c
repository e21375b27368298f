/* A domU's PIT channel 2 count (asm/pit.h): pure arithmetic on the TSC. */
#include <asm/pit.h>

static uint16_t count_now(const struct pit2 *p, uint64_t tsc, uint64_t tsc_khz)
{
	uint64_t hz = tsc_khz * 1000, delta = tsc - p->load_tsc, ticks;

	if (!hz)
		return p->reload;
	/* TSC ticks to PIT ticks, whole seconds apart so that nothing
	 * overflows that matters: only the low 16 bits are used. */
	ticks = delta / hz * PIT_HZ + delta % hz * PIT_HZ / hz;
	/* The count wraps below zero (a reload of 0 counts 65536). */
	return (uint16_t)(p->reload - ticks);
}

void pit2_control(struct pit2 *p, uint8_t val, uint64_t tsc, uint64_t tsc_khz)
{
	if (PIT_CMD_CHANNEL(val) != 2)
		return;		/* channels 0 and 1, read-back: not there */
	if (PIT_CMD_ACCESS(val) == PIT_ACCESS_LATCH) {
		if (!p->latched) {
			p->latch = count_now(p, tsc, tsc_khz);
			p->latched = true;
			p->read_msb = false;
		}
		return;
	}
	p->access = PIT_CMD_ACCESS(val);
	p->latched = p->read_msb = p->write_msb = false;
}

void pit2_write(struct pit2 *p, uint8_t val, uint64_t tsc)
{
	switch (p->access) {
	case PIT_ACCESS_LSB:
		p->reload = val;
		break;
	case PIT_ACCESS_MSB:
		p->reload = (uint16_t)(val << 8);
		break;
	default:
		if (!p->write_msb) {
			p->reload = (p->reload & 0xff00) | val;
			p->write_msb = true;
			return;		/* counting starts with the second byte */
		}
		p->reload = (uint16_t)((p->reload & 0x00ff) | (val << 8));
		p->write_msb = false;
		break;
	}
	p->load_tsc = tsc;
}

uint8_t pit2_read(struct pit2 *p, uint64_t tsc, uint64_t tsc_khz)
{
	uint16_t c = p->latched ? p->latch : count_now(p, tsc, tsc_khz);
	bool msb = p->access == PIT_ACCESS_MSB ||
		   (p->access != PIT_ACCESS_LSB && p->read_msb);

	if (p->access != PIT_ACCESS_LSB && p->access != PIT_ACCESS_MSB) {
		p->read_msb = !p->read_msb;
		if (!p->read_msb)
			p->latched = false;	/* both bytes read */
	} else {
		p->latched = false;
	}
	return msb ? (uint8_t)(c >> 8) : (uint8_t)c;
}
