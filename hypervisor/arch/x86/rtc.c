/* The time of day at boot, from the CMOS real-time clock: what guests'
 * wall clocks (shared_info's wc_*) start from. Read once, before dom0
 * owns the device; from then on the TSC carries it forward. */
#include <stdbool.h>
#include <asm/time.h>
#include <asm/x86.h>

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define CMOS_NMI_OFF	0x80	/* index bit 7: keep NMIs masked as firmware left them */
#define RTC_SEC		0x00
#define RTC_MIN		0x02
#define RTC_HOUR	0x04
#define RTC_DAY		0x07
#define RTC_MONTH	0x08
#define RTC_YEAR	0x09
#define RTC_STATUS_A	0x0a
#define RTC_STATUS_B	0x0b
#define RTC_CENTURY	0x32	/* the PC's customary century register */
#define RTC_A_UIP	0x80	/* an update is under way: values unstable */
#define RTC_B_24H	0x02
#define RTC_B_BINARY	0x04
#define RTC_HOUR_PM	0x80
#define UIP_SPINS	1000000

uint64_t boot_wallclock_ns;	/* time of day (ns since 1970) at boot_wallclock_tsc */
uint64_t boot_wallclock_tsc;

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

static unsigned int from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, civil calendar). */
static uint64_t days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	unsigned int era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)era * 146097 + doe - 719468;
}

static void read_clock(uint8_t v[6], uint8_t *century)
{
	static const uint8_t regs[6] = { RTC_SEC, RTC_MIN, RTC_HOUR, RTC_DAY, RTC_MONTH,
					 RTC_YEAR };

	for (unsigned int i = 0; i < UIP_SPINS && (cmos_read(RTC_STATUS_A) & RTC_A_UIP); i++)
		cpu_relax();
	for (unsigned int i = 0; i < 6; i++)
		v[i] = cmos_read(regs[i]);
	*century = cmos_read(RTC_CENTURY);
}

void rtc_init(void)
{
	uint8_t v[6], w[6], cent, cent2, b = cmos_read(RTC_STATUS_B);
	bool bin = b & RTC_B_BINARY;
	unsigned int hour, year;

	/* Twice until equal: a read that straddled an update is retried. */
	read_clock(v, &cent);
	for (unsigned int tries = 0; tries < 5; tries++) {
		read_clock(w, &cent2);
		bool same = cent == cent2;

		for (unsigned int i = 0; i < 6; i++) {
			same = same && v[i] == w[i];
			v[i] = w[i];
		}
		cent = cent2;
		if (same)
			break;
	}
	boot_wallclock_tsc = rdtsc();
	hour = from_bcd(v[2] & ~RTC_HOUR_PM, bin);
	if (!(b & RTC_B_24H) && (v[2] & RTC_HOUR_PM))
		hour = (hour % 12) + 12;
	else if (!(b & RTC_B_24H) && hour == 12)
		hour = 0;
	year = from_bcd(v[5], bin);
	cent = (uint8_t)from_bcd(cent, bin);
	year += (cent >= 19 && cent <= 30) ? cent * 100u : (year < 70 ? 2000 : 1900);
	if (from_bcd(v[4], bin) < 1 || from_bcd(v[4], bin) > 12 || year < 1970) {
		boot_wallclock_ns = 0;	/* no usable clock: guests see 1970 */
		return;
	}
	boot_wallclock_ns = ((days_since_epoch(year, from_bcd(v[4], bin), from_bcd(v[3], bin)) *
			      24 + hour) * 60 + from_bcd(v[1], bin)) * 60 + from_bcd(v[0], bin);
	boot_wallclock_ns *= 1000000000ULL;
}
