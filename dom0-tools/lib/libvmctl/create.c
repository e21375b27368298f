/*
 * Creating a domain: the configuration is checked here first, so that
 * the common mistakes get a sentence naming the value at fault; what
 * Umbra still refuses is worded from its error and its physinfo.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MEM_ALIGN	(2ull << 20)
#define MEM_MIN		(2ull << 20)
#define MEM_MAX		(1ull << 30)

static int check_name(const char *name)
{
	size_t len;

	if (!name || !*name)
		return vmctl_fail(-EINVAL, "the domain needs a name");
	len = strnlen(name, UMBRA_DOMAIN_NAME_MAX);
	if (len >= UMBRA_DOMAIN_NAME_MAX)
		return vmctl_fail(-EINVAL, "name '%.40s...' is longer than %u characters",
				  name, UMBRA_DOMAIN_NAME_MAX - 1);
	for (; *name; name++)
		if ((unsigned char)*name < 0x20 || *name == 0x7f)
			return vmctl_fail(-EINVAL, "the name contains a control character");
	return 0;
}

static int check_memory(uint64_t mem)
{
	if (!mem)
		return vmctl_fail(-EINVAL, "the domain's memory is not given");
	if (mem % MEM_ALIGN)
		return vmctl_fail(-EINVAL, "memory must be a multiple of 2 MiB: asked %llu KiB",
				  (unsigned long long)(mem >> 10));
	if (mem < MEM_MIN || mem > MEM_MAX)
		return vmctl_fail(-EINVAL, "memory must be between 2 MiB and 1 GiB: asked %llu MiB",
				  MIB(mem));
	return 0;
}

/* What Umbra's PV domains cannot do yet, said before it refuses. */
static int check_pv(const struct umbra_mgmt_create *c)
{
	if (c->paging != UMBRA_PAGING_SHARED && c->paging != UMBRA_PAGING_SHADOW)
		return vmctl_fail(-EINVAL, "paging %s is not available for a PV domain (shared or shadow)",
				  vmctl_paging_name(c->paging));
	return 0;
}

int vmctl_create_request(const struct vmctl_domain_config *cfg,
			 const struct umbra_mgmt_physinfo *pi, struct umbra_mgmt_create *c)
{
	uint64_t guests = pi->cpus_online & ~pi->dom0_cpus;
	unsigned int max_vcpus = pi->max_vcpus ? pi->max_vcpus : UMBRA_MAX_VCPUS;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = check_name(cfg->name);
	if (!rc)
		rc = check_memory(cfg->mem_bytes);
	if (rc)
		return rc;
	memcpy(c->name, cfg->name, strlen(cfg->name));
	c->mem_bytes = cfg->mem_bytes;
	c->shadow_bytes = cfg->shadow_bytes;
	c->nr_vcpus = cfg->vcpus ? cfg->vcpus : 1;
	c->affinity = cfg->cpus ? cfg->cpus : guests ? guests : pi->cpus_online;
	c->type = cfg->type ? cfg->type : UMBRA_DOMAIN_TYPE_PVH;
	c->paging = cfg->paging ? cfg->paging :
		    c->type == UMBRA_DOMAIN_TYPE_PV ? UMBRA_PAGING_SHARED : UMBRA_PAGING_NESTED;
	if (c->nr_vcpus > max_vcpus || c->nr_vcpus > UMBRA_MAX_VCPUS)
		return vmctl_fail(-EINVAL, "%u vCPUs asked, at most %u", c->nr_vcpus, max_vcpus);
	if (c->affinity & ~pi->cpus_online)
		return vmctl_fail(-EINVAL, "cpus %#llx names pCPUs that are not online (online: %#llx)",
				  (unsigned long long)c->affinity,
				  (unsigned long long)pi->cpus_online);
	if (c->type == UMBRA_DOMAIN_TYPE_PV) {
		if (check_pv(c))
			return -EINVAL;
	} else if (c->type != UMBRA_DOMAIN_TYPE_PVH)
		return vmctl_fail(-EINVAL, "type %s is not supported yet (pvh or pv)",
				  vmctl_type_name(c->type));
	else if (c->paging != UMBRA_PAGING_NESTED && c->paging != UMBRA_PAGING_SHADOW)
		return vmctl_fail(-EINVAL, "paging %s is not available for a PVH domain (nested or shadow)",
				  vmctl_paging_name(c->paging));
	if (c->mem_bytes > pi->free_bytes)
		return vmctl_fail(-ENOMEM, "not enough free memory: asked %llu MiB, %llu MiB free",
				  MIB(c->mem_bytes), MIB(pi->free_bytes));
	return 0;
}

static int create_fail(struct vmctl *h, int rc, const struct umbra_mgmt_create *c)
{
	struct umbra_mgmt_physinfo pi;

	switch (rc) {
	case -EEXIST:
		return vmctl_fail(rc, "a domain called '%s' already exists", c->name);
	case -ENOMEM:
		if (vmctl_physinfo(h, &pi))
			return vmctl_fail(rc, "not enough free memory for %llu MiB", MIB(c->mem_bytes));
		return vmctl_fail(rc, "not enough free memory: asked %llu MiB and its paging pool, %llu MiB free",
				  MIB(c->mem_bytes), MIB(pi.free_bytes));
	case -ENOSPC:
		return vmctl_fail(rc, "no room for another domain");
	case -EINVAL:
		return vmctl_fail(rc, "Umbra refused the configuration of '%s' (%llu MiB, %u vCPUs, cpus %#llx, paging %s)",
				  c->name, MIB(c->mem_bytes), c->nr_vcpus,
				  (unsigned long long)c->affinity, vmctl_paging_name(c->paging));
	default:
		return vmctl_mgmt_fail(rc, 0, "creating the domain");
	}
}

/* Destroy a half-made domain without losing the reason it failed. */
static int undo(struct vmctl *h, uint32_t domid, int rc)
{
	char why[512], also[512];

	snprintf(why, sizeof(why), "%s", vmctl_last_error());
	if (vmctl_domain_destroy(h, domid)) {
		snprintf(also, sizeof(also), "%s", vmctl_last_error());
		return vmctl_fail(rc, "%s (and destroying domain %u failed: %s)", why, domid,
				  also);
	}
	return vmctl_fail(rc, "%s", why);
}

/* With a kernel, its files are read and checked before anything is
 * created: a refused image changes nothing, not even for a moment. */
int vmctl_domain_create(struct vmctl *h, const struct vmctl_domain_config *cfg,
			uint32_t *domid)
{
	struct umbra_mgmt_physinfo pi;
	struct vmctl_files files = { 0 };
	struct umbra_mgmt req;
	long rc;

	if (!cfg)
		return vmctl_fail(-EINVAL, "no configuration");
	rc = vmctl_physinfo(h, &pi);
	vmctl_req_init(&req, UMBRA_MGMT_domain_create, 0);
	if (!rc)
		rc = vmctl_create_request(cfg, &pi, &req.u.create);
	if (!rc && cfg->kernel && req.u.create.type == UMBRA_DOMAIN_TYPE_PV)
		rc = vmctl_pv_files_read(&files, cfg->kernel, cfg->ramdisk, cfg->cmdline,
					 cfg->mem_bytes);
	else if (!rc && cfg->kernel)
		rc = vmctl_files_read(&files, cfg->kernel, cfg->ramdisk, cfg->cmdline,
				      cfg->mem_bytes);
	files.img.nr_vcpus = req.u.create.nr_vcpus;
	files.fresh = true;	/* a new domain's RAM is zeros (Umbra zeroes it) */
	if (rc)
		return (int)rc;
	rc = vmctl_mgmt(h, &req);
	if (rc < 0)
		rc = create_fail(h, (int)rc, &req.u.create);
	else if (cfg->kernel && (rc = files.pv ? vmctl_pv_files_load(h, req.domid, &files) :
				       vmctl_files_load(h, req.domid, &files)))
		rc = undo(h, req.domid, (int)rc);
	vmctl_files_free(&files);
	if (!rc)
		*domid = req.domid;
	return (int)rc;
}
