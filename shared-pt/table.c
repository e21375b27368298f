/* Validating a whole table when it becomes one, and undoing it when it
 * stops being one. A directory that needs a shadow page gets it here. */
#include "shared-pt/internal.h"

#include "base/errno.h"

static void put_entries(struct spt_domain *d, uint64_t mfn, const pte_t *t, int level,
			unsigned int end)
{
	unsigned int i;
	pte_t e;

	for (i = 0; i < end; i++) {
		e = spt_read_pte(&t[i]);
		if (e & PTE_P)
			spt_put_entry(d, level, mfn, e);
	}
}

/* Entries are read once each: the frame is typed now, so nothing but the
 * MMU's A/D updates can change it under us (hence the atomic OR of the
 * user bit where the domain asks for it). */
static int get_entries(struct spt_domain *d, uint64_t mfn, pte_t *t,
		       pte_t *shadow, int level)
{
	unsigned int i;
	pte_t e, se;
	int rc;

	for (i = 0; i < PT_ENTRIES; i++) {
		e = spt_read_pte(&t[i]);
		if (!(e & PTE_P))
			continue;
		if (d->force_user && !(e & PTE_U) &&
		    !(level == 4 && spt_is_hv_l4_slot(i)))
			e = __atomic_or_fetch(&t[i], PTE_U, __ATOMIC_RELAXED);
		rc = spt_get_entry(d, level, mfn, i, e, &se);
		if (rc) {
			put_entries(d, mfn, t, level, i);
			return rc;
		}
		if (shadow)
			spt_write_pte(&shadow[i], se);
	}
	return 0;
}

int spt_validate_table(struct spt_domain *d, uint64_t mfn, int level)
{
	pte_t *t, *shadow = NULL;
	int rc;

	if (spt_has_shadow(d, level)) {
		rc = spt_shadow_alloc(d, mfn);
		if (rc)
			return rc;
		shadow = spt_shadow_map(d, mfn);
	}
	t = spt_map(d, mfn);
	rc = get_entries(d, mfn, t, shadow, level);
	spt_unmap(d, t);
	spt_unmap(d, shadow);
	if (rc) {
		if (spt_has_shadow(d, level))
			spt_shadow_free(d, mfn);
		return rc;
	}
	d->stats.validations++;
	return 0;
}

void spt_devalidate_table(struct spt_domain *d, uint64_t mfn, int level)
{
	pte_t *t = spt_map(d, mfn);

	put_entries(d, mfn, t, level, PT_ENTRIES);
	spt_unmap(d, t);
	if (spt_has_shadow(d, level))
		spt_shadow_free(d, mfn);
	d->stats.devalidations++;
}
