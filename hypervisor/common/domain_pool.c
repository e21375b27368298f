/* A domain's pool: every page the hypervisor spends on the domain's
 * behalf once it exists (nested page tables, shadow tables and their
 * bookkeeping, VMCBs, vCPU state) comes from pages reserved for it at
 * creation, so one domain's appetite never starves another. Sizing is
 * the back end's (hvm_domain_pool_pages). */
#include <asm/layout.h>
#include <umbra/domain.h>
#include <umbra/mm.h>
#include <umbra/printk.h>

_Static_assert(sizeof(struct vcpu) <= 4096, "a vCPU's state fits one pool page");

static uint64_t machine_alloc(void)
{
	return alloc_page_phys();
}

static void machine_free(uint64_t pa)
{
	free_page_phys(pa);
}

static void *machine_map(uint64_t pa)
{
	return phys_to_virt(pa);
}

static const struct page_pool_ops machine_ops = {
	.alloc = machine_alloc, .free = machine_free, .map = machine_map,
};

int domain_pool_reserve(struct domain *d, uint64_t pages)
{
	return page_pool_init(&d->pool, &machine_ops, pages);
}

void domain_pool_release(struct domain *d)
{
	uint64_t left = page_pool_fini(&d->pool);

	if (left)
		pr_err("domain %u (%s): %llu pool pages not given back\n", d->id, d->name,
		       (unsigned long long)left);
}

uint64_t domain_page_alloc(struct domain *d)
{
	uint64_t f = spin_lock_irqsave(&d->pool_lock);
	uint64_t pa = page_pool_alloc(&d->pool);

	spin_unlock_irqrestore(&d->pool_lock, f);
	return pa;
}

void domain_page_free(struct domain *d, uint64_t pa)
{
	uint64_t f = spin_lock_irqsave(&d->pool_lock);

	page_pool_free(&d->pool, pa);
	spin_unlock_irqrestore(&d->pool_lock, f);
}

struct vcpu *domain_vcpu_alloc(struct domain *d)
{
	uint64_t pa = domain_page_alloc(d);

	return pa ? phys_to_virt(pa) : NULL;
}

void domain_vcpu_free(struct domain *d, struct vcpu *v)
{
	if (v)
		domain_page_free(d, virt_to_phys(v));
}
