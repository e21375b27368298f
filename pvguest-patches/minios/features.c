/* What the hypervisor says of the guest's platform (xen_version). */
#include <public/version.h>

#include "hypercall.h"
#include "minios.h"

long xen_features(uint32_t *submap)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	long rc = hv_xen_version(XENVER_get_features, &fi);

	*submap = rc ? 0 : fi.submap;
	return rc;
}

bool xen_translated(void)
{
	uint32_t submap;

	return !xen_features(&submap) &&
	       (submap & (1u << XENFEAT_auto_translated_physmap));
}

bool umbra_xpti(void)
{
	return !guest_option("supervisor_view");
}
