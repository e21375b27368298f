/* One figure from several noisy measurements of it (clock calibration
 * windows): the median, refined by the samples that agree with it. */
#ifndef UMBRA_CONSENSUS_H
#define UMBRA_CONSENSUS_H

#include <stdint.h>

/* Sorts samples[0..n) in place. Returns the mean of the samples within
 * tol_pct percent of the median and sets *agreed to how many they are;
 * returns 0 (and *agreed 0) when they are not more than half of n, so a
 * caller can measure again. */
uint64_t consensus_of(uint64_t *samples, unsigned int n, unsigned int tol_pct,
		      unsigned int *agreed);

/* The median of samples[0..n) (sorted in place); 0 for n == 0. */
uint64_t median_of(uint64_t *samples, unsigned int n);

/* One calibration window: the ticks counted, and by how many ticks the
 * count may be off (the reads that bracket its start and end). */
struct calib_sample {
	uint64_t ticks;
	uint64_t err;
};

#define CALIB_MAX_SAMPLES	32
#define CALIB_MIN_AGREE		3	/* windows that must agree */

/* The figure of windows whose err is at most max_err_permille of their
 * ticks and whose ticks agree (consensus_of, tol_pct); 0 when fewer
 * than CALIB_MIN_AGREE such windows agree. *used: how many did. */
uint64_t calib_estimate(const struct calib_sample *s, unsigned int n,
			unsigned int max_err_permille, unsigned int tol_pct, unsigned int *used);

/* When no estimate is possible: the ticks of the narrowest window. */
uint64_t calib_fallback(const struct calib_sample *s, unsigned int n);

#endif
