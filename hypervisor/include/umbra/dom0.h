/*
 * dom0: Debian's Linux as Umbra's control domain (hypervisor/common/dom0*.c).
 *
 * GRUB entries have Xen's shape: after `multiboot2 umbra.elf dom0_mem=…
 * dom0_max_vcpus=…`, the first `module2` without a `name=` key that is not
 * an ELF image is dom0's kernel (a bzImage), the next module without
 * `name=` its initrd. Modules with `name=` (and ELF images without one)
 * stay boot-module domains, with or without a dom0.
 */
#ifndef UMBRA_DOM0_H
#define UMBRA_DOM0_H

#include <stdbool.h>
#include <stdint.h>
#include <umbra/boot_modules.h>
#include <umbra/dom0_layout.h>

/* dom0's vCPU i runs on pCPU i, for i below dom0_max_vcpus (its boot
 * vCPU on pCPU 0, the boot CPU), and drives that pCPU's local APIC; Umbra
 * keeps the others for itself and the other domains. */
#define DOM0_PCPU	0

struct dom0_module_view {
	const char *cmdline;
	enum module_kind kind;
};

/* Does a module's command line carry a name= key (a domain spec)? */
bool module_has_name(const char *cmdline);

/* dom0's kernel and initrd among n modules; -1 where there is none.
 * The kernel candidate may be of any non-ELF kind: the caller refuses
 * one that is not a bzImage, with a message. */
void dom0_pick_modules(const struct dom0_module_view *mods, unsigned int n,
		       int *kernel, int *initrd);

/*
 * Called by mm_init() after the allocator knows all RAM and before it
 * hands out anything: if there is a dom0 kernel module, take dom0's RAM
 * (dom0_mem=) around the busy ranges. 0 (also: no dom0), or -ENOMEM with
 * a message (then there is no dom0). The caller reserves dom0_memory().
 */
int dom0_set_aside_memory(const struct boot_info *bi, const struct mem_range *busy,
			  unsigned int nr_busy, uint64_t free_bytes);
/* dom0's RAM once set aside, else NULL. */
const struct dom0_layout *dom0_memory(void);

/* Build and start dom0 once the CPUs are up; false (with a message) if
 * there is none or it could not be started. */
bool dom0_build(const struct boot_info *bi);

/* On the boot CPU, as it enters the scheduler with a dom0 built: mask
 * Umbra's timer there, hand the pCPU to dom0 and move Umbra's console to
 * COM2 (architecture code: hypervisor/arch/x86/dom0_cpu.c). */
void dom0_take_this_cpu(void);

struct domain;
/*
 * dom0 starting its own CPUs as on hardware (common/dom0_smp.c), from
 * its ICR writes: the pCPU of dom0's with that APIC ID, or -1 (not
 * dom0's); INIT to a vCPU that has not started is accepted (0), to a
 * running one refused (-EBUSY); a SIPI starts a vCPU that has not started
 * in real mode at vector:0000 on its pCPU (0) and is ignored by one that
 * runs (-EEXIST), as a CPU out of wait-for-SIPI ignores it.
 */
int dom0_pcpu_of_apic(uint32_t apic_id);
/* The first pCPU of dom0's a logical (flat) destination names, or -1 if
 * it names none or a bit no dom0 CPU's LDR holds. */
int dom0_pcpu_of_logical(uint8_t dest);
int dom0_init_vcpu(struct domain *d, unsigned int pcpu);
int dom0_sipi_vcpu(struct domain *d, unsigned int pcpu, uint8_t vector);

#endif
