/* Median-based agreement of repeated measurements. Under an emulator a
 * calibration window can be stretched by the host descheduling the
 * virtual CPU between two clock reads; such a window is an outlier, and
 * the median ignores it where a single window or a mean would not, and
 * a window whose reads were far apart is not trusted at all. */
#include <umbra/consensus.h>

static void sort_u64(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		for (; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

uint64_t median_of(uint64_t *samples, unsigned int n)
{
	if (!n)
		return 0;
	sort_u64(samples, n);
	if (n % 2)
		return samples[n / 2];
	/* Halves first: the sum of two large samples must not wrap. */
	return samples[n / 2 - 1] / 2 + samples[n / 2] / 2 +
	       (samples[n / 2 - 1] % 2 + samples[n / 2] % 2) / 2;
}

static int within(uint64_t x, uint64_t median, unsigned int tol_pct)
{
	uint64_t diff = x > median ? x - median : median - x;

	/* diff <= median * tol_pct / 100, without the product wrapping */
	return diff <= median / 100 * tol_pct + median % 100 * tol_pct / 100;
}

uint64_t consensus_of(uint64_t *samples, unsigned int n, unsigned int tol_pct,
		      unsigned int *agreed)
{
	uint64_t median = median_of(samples, n), quot = 0, rem = 0;
	unsigned int i, k = 0;

	*agreed = 0;
	for (i = 0; i < n; i++)
		k += within(samples[i], median, tol_pct);
	if (2 * k <= n)
		return 0;
	/* The mean as sums of quotients and remainders by k: no overflow. */
	for (i = 0; i < n; i++) {
		if (within(samples[i], median, tol_pct)) {
			quot += samples[i] / k;
			rem += samples[i] % k;
		}
	}
	*agreed = k;
	return quot + rem / k;
}

uint64_t calib_estimate(const struct calib_sample *s, unsigned int n,
			unsigned int max_err_permille, unsigned int tol_pct, unsigned int *used)
{
	uint64_t kept[CALIB_MAX_SAMPLES], fig;
	unsigned int i, k = 0, agreed;

	*used = 0;
	for (i = 0; i < n && k < CALIB_MAX_SAMPLES; i++) {
		/* err <= ticks * permille / 1000, without the product wrapping */
		if (s[i].ticks && s[i].err <= s[i].ticks / 1000 * max_err_permille +
		    s[i].ticks % 1000 * max_err_permille / 1000)
			kept[k++] = s[i].ticks;
	}
	fig = consensus_of(kept, k, tol_pct, &agreed);
	if (!fig || agreed < CALIB_MIN_AGREE)
		return 0;
	*used = agreed;
	return fig;
}

uint64_t calib_fallback(const struct calib_sample *s, unsigned int n)
{
	unsigned int best = 0;

	if (!n)
		return 0;
	for (unsigned int i = 1; i < n; i++) {
		if (s[i].err < s[best].err)
			best = i;
	}
	return s[best].ticks;
}
