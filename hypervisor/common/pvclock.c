/*
 * Guest system time and the records that publish it (Xen's pvclock):
 * each vCPU's vcpu_time_info and the domain's wall clock in shared_info.
 *
 * An HVM domain's system time is the host TSC since the domain was
 * built; a PV domain reads the host's TSC as it is (no offset), so its
 * system time is the host TSC since reset, as Xen's PV system time is
 * the host's. Both are scaled to ns as Xen scales them
 * (umbra/pvclock_scale.h). The guest computes
 *   system_time + scale(guest_tsc - tsc_timestamp).
 * Umbra keeps no other clock and the TSC's rate never changes, so a record
 * stays exact from the moment it is written (Xen rewrites its records when
 * a vCPU is scheduled because its system time is interpolated between
 * calibrations; Umbra's is the TSC itself): it is written when shared_info
 * is placed (by the guest, or by the PV domain builder), when a vCPU's
 * vcpu_info moves, and when the vCPU writes its TSC, not periodically.
 * A vCPU that kept the domain's TSC offset gets the
 * domain's one record (tsc_timestamp 0, system_time 0), so all its vCPUs
 * read one clock. XEN_PVCLOCK_TSC_STABLE_BIT (the guest may then skip
 * its cross-vCPU monotonicity fix-up) is set only for such a record on a
 * host whose TSC is invariant (CPUID 8000_0007h EDX bit 8).
 */
#include <stddef.h>
#include <asm/guest_access.h>
#include <asm/guest.h>
#include <asm/time.h>
#include <asm/x86.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/pvclock_scale.h>
#include <umbra/vcpu_shared.h>

#define NS_PER_SEC	1000000000ULL

_Static_assert(offsetof(struct shared_info, wc_sec) == offsetof(struct shared_info, wc_version) + 4 &&
	       offsetof(struct shared_info, wc_nsec) == offsetof(struct shared_info, wc_version) + 8 &&
	       offsetof(struct compat_shared_info, wc_sec) ==
	       offsetof(struct compat_shared_info, wc_version) + 4 &&
	       offsetof(struct compat_shared_info, wc_nsec) ==
	       offsetof(struct compat_shared_info, wc_version) + 8,
	       "wc_sec and wc_nsec follow wc_version in both layouts");

static struct pvclock_scale tsc_scale(void)
{
	return pvclock_scale_for(tsc_khz * 1000);
}

uint64_t domain_system_time_ns(const struct domain *d)
{
	return pvclock_scale_ticks(rdtsc() + d->tsc_offset, tsc_scale());
}

static bool tsc_invariant(void)
{
	return cpuid(CPUID_EXT_MAX).eax >= CPUID_EXT_POWER &&
	       (cpuid(CPUID_EXT_POWER).edx & CPUID_EXT_POWER_INVARIANT_TSC);
}

static struct vcpu_time_info time_record(const struct vcpu *v)
{
	const struct domain *d = v->domain;
	struct pvclock_scale s = tsc_scale();
	uint64_t host = rdtsc(), voff = arch_vcpu_tsc_offset(v);
	struct vcpu_time_info t = { .tsc_to_system_mul = s.mul, .tsc_shift = s.shift };

	if (voff == d->tsc_offset) {
		t.flags = tsc_invariant() ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
		return t;	/* the domain's record: time = scale(guest TSC) */
	}
	t.tsc_timestamp = host + voff;
	t.system_time = pvclock_scale_ticks(host + d->tsc_offset, s);
	return t;
}

/* Xen's protocol: version odd while the fields change, even after; a
 * reader retries until it sees the same even version around its read. */
static void write_record(struct domain *d, uint64_t gpa, uint32_t *version,
			 const struct vcpu_time_info *t)
{
	const size_t body = offsetof(struct vcpu_time_info, tsc_timestamp);
	uint32_t ver = (*version + 1) | 1;

	copy_to_gpa(d, gpa, &ver, sizeof(ver));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	copy_to_gpa(d, gpa + body, (const uint8_t *)t + body, sizeof(*t) - body);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ver++;
	copy_to_gpa(d, gpa, &ver, sizeof(ver));
	*version = ver;
}

void vcpu_time_publish(struct vcpu *v)
{
	struct vcpu_time_info t = time_record(v);
	uint64_t vi;

	if (vcpu_info_at(v, &vi))
		write_record(v->domain, vi + offsetof(struct vcpu_info, time), &v->time_version, &t);
}

/* The time of day at the domain's system time 0: the host TSC value
 * -tsc_offset (an HVM domain's build; a PV domain's TSC 0, which is
 * before the clock was read at boot). */
static void wallclock_publish(struct domain *d, uint64_t si)
{
	uint64_t wc = pvclock_wallclock_at(boot_wallclock_ns, boot_wallclock_tsc, -d->tsc_offset,
					   tsc_khz * 1000);
	uint32_t f[3] = { (uint32_t)(wc / NS_PER_SEC), (uint32_t)(wc % NS_PER_SEC),
			  (uint32_t)((wc / NS_PER_SEC) >> 32) };
	uint32_t ver = (d->wc_version + 1) | 1;
	/* Where the fields are in the domain's layout (Xen's compat one
	 * moves them up and wc_sec_hi into arch). */
	bool c = __atomic_load_n(&d->shinfo_compat, __ATOMIC_ACQUIRE);
	size_t at_ver = c ? offsetof(struct compat_shared_info, wc_version)
			  : offsetof(struct shared_info, wc_version);
	size_t at_hi = c ? offsetof(struct compat_shared_info, arch.wc_sec_hi)
			 : offsetof(struct shared_info, wc_sec_hi);

	/* wc_sec and wc_nsec follow wc_version in both. */
	copy_to_gpa(d, si + at_ver, &ver, sizeof(ver));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	copy_to_gpa(d, si + at_ver + 4, &f[0], sizeof(uint32_t));
	copy_to_gpa(d, si + at_ver + 8, &f[1], sizeof(uint32_t));
	copy_to_gpa(d, si + at_hi, &f[2], sizeof(uint32_t));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ver++;
	copy_to_gpa(d, si + at_ver, &ver, sizeof(ver));
	d->wc_version = ver;
}

void domain_time_publish(struct domain *d)
{
	if (!__atomic_load_n(&d->shared_info_placed, __ATOMIC_ACQUIRE))
		return;
	wallclock_publish(d, __atomic_load_n(&d->shared_info_gpa, __ATOMIC_ACQUIRE));
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if (!d->vcpus[i]->vcpu_info_registered)
			vcpu_time_publish(d->vcpus[i]);
}
