/* The management requests' plain checks: everything that needs only the
 * request (and the set of usable pCPUs), so host tests can try it all. */
#include <asm/ioapic.h>
#include <public/mgmt.h>
#include <umbra/domain_limits.h>
#include <umbra/domain_spec.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>
#include <umbra/string.h>

_Static_assert(UMBRA_MAX_VCPUS == MAX_VCPUS_PER_DOMAIN, "one vCPU limit");

/* Fields each command reads from the union that must be zero. */
static bool union_reserved_clear(const struct umbra_mgmt *req)
{
	switch (req->cmd) {
	case UMBRA_MGMT_domain_create:
		return !req->u.create.reserved;
	case UMBRA_MGMT_domain_shutdown:
		return !req->u.shutdown.reserved;
	case UMBRA_MGMT_vcpu_pin:
		return !req->u.pin.reserved;
	case UMBRA_MGMT_events:
		return !req->u.events.reserved;
	case UMBRA_MGMT_event_irq:
		return !req->u.event_irq.reserved;
	case UMBRA_MGMT_evtchn_op:
		return !req->u.evtchn.reserved;
	case UMBRA_MGMT_vcpu_context_get:
	case UMBRA_MGMT_vcpu_context_set:
		return !req->u.vcpu.reserved;
	case UMBRA_MGMT_domain_state:
	case UMBRA_MGMT_grant_state:
		return !req->u.state.reserved;
	case UMBRA_MGMT_pv_build:
		return !req->u.pv_build.flags && !req->u.pv_build.reserved;
	default:
		return true;
	}
}

int mgmt_check_request(const struct umbra_mgmt *req)
{
	if (req->interface_version != UMBRA_MGMT_INTERFACE_VERSION)
		return -EACCES;
	if (req->cmd >= UMBRA_MGMT_NR_CMDS)
		return -ENOSYS;
	if (req->reserved || !union_reserved_clear(req))
		return -EINVAL;
	if (req->buf_len > UMBRA_MGMT_BUF_MAX)
		return -E2BIG;
	return 0;
}

/* A PV domain runs on shared page tables or, translated, on the shadow
 * engine (docs/pv.md); what else it cannot do yet (more vCPUs) is
 * domain_create's to say. */
static int check_pv(const struct umbra_mgmt_create *c, const char **why)
{
	if (c->paging != UMBRA_PAGING_SHARED && c->paging != UMBRA_PAGING_SHADOW) {
		*why = "PV domains run with paging=shared or paging=shadow";
		return c->paging == UMBRA_PAGING_NESTED ? -EOPNOTSUPP : -EINVAL;
	}
	if (c->paging != UMBRA_PAGING_SHADOW && c->shadow_bytes) {
		*why = "shadow_memory is for paging=shadow only";
		return -EINVAL;
	}
	return 0;
}

static int check_kind(const struct umbra_mgmt_create *c, const char **why)
{
	if (c->type == UMBRA_DOMAIN_TYPE_HVM) {
		*why = "type=hvm domains cannot be created yet";
		return -EOPNOTSUPP;
	}
	if (c->type == UMBRA_DOMAIN_TYPE_PV)
		return check_pv(c, why);
	if (c->type != UMBRA_DOMAIN_TYPE_PVH) {
		*why = "unknown domain type";
		return -EINVAL;
	}
	if (c->paging == UMBRA_PAGING_SHARED) {
		*why = "paging=shared is for PV domains";
		return -EOPNOTSUPP;
	}
	if (c->paging != UMBRA_PAGING_NESTED && c->paging != UMBRA_PAGING_SHADOW) {
		*why = "unknown paging mode";
		return -EINVAL;
	}
	if (c->paging != UMBRA_PAGING_SHADOW && c->shadow_bytes) {
		*why = "shadow_memory is for paging=shadow only";
		return -EINVAL;
	}
	return 0;
}

int mgmt_check_create(const struct umbra_mgmt_create *c, uint64_t cpus, const char **why)
{
	if (c->reserved) {
		*why = "reserved field set";
		return -EINVAL;
	}
	if (!memchr(c->name, '\0', sizeof(c->name)) || !domain_name_valid(c->name)) {
		*why = "name must be 1 to 31 printable characters, no spaces";
		return -EINVAL;
	}
	if (!c->mem_bytes || c->mem_bytes % EXTENT_SIZE || c->mem_bytes > DOMAIN_MAX_MEM) {
		*why = "memory must be a multiple of 2 MiB, 2 MiB to 1 GiB";
		return -EINVAL;
	}
	if (!c->nr_vcpus || c->nr_vcpus > UMBRA_MAX_VCPUS) {
		*why = "vcpus must be 1 to 8";
		return -EINVAL;
	}
	if (!(c->affinity & cpus)) {
		*why = "cpus names no online CPU that domains may use";
		return -EINVAL;
	}
	return check_kind(c, why);
}

int mgmt_check_vector(uint32_t vector)
{
	return vector && (vector < 0x20 || vector > 0xff) ? -EINVAL : 0;
}

int mgmt_check_event_rte(uint64_t rte)
{
	uint64_t mode = (rte >> IOAPIC_RTE_MODE_SHIFT) & 7;

	if (mode != IOAPIC_DM_FIXED && mode != IOAPIC_DM_LOWEST)
		return -EINVAL;
	if (rte & (IOAPIC_RTE_LEVEL | IOAPIC_RTE_MASKED))
		return -EINVAL;
	return (rte & IOAPIC_RTE_VECTOR_MASK) < 0x20 ? -EINVAL : 0;
}
