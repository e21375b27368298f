/* Boot modules: say what GRUB handed us, and refuse what is not usable
 * with a message instead of tripping over it later. */
#include <asm/layout.h>
#include <umbra/boot_modules.h>
#include <umbra/printk.h>
#include <umbra/string.h>

static const char *const kind_names[] = {
	[MODULE_EMPTY] = "empty",
	[MODULE_UNREACHABLE] = "outside mapped memory",
	[MODULE_ELF] = "ELF image",
	[MODULE_LINUX_BZIMAGE] = "Linux bzImage",
	[MODULE_GZIP] = "gzip data",
	[MODULE_CPIO] = "cpio archive",
	[MODULE_UNKNOWN] = "unrecognised format",
};

enum module_kind module_identify(const struct mb2_module *m)
{
	uint64_t size = m->end - m->start;
	const uint8_t *p;

	if (!size)
		return MODULE_EMPTY;
	if (m->end > (uint64_t)BOOT_MAP_GIB << 30)
		return MODULE_UNREACHABLE;
	p = phys_to_virt(m->start);
	if (size >= 4 && !memcmp(p, "\x7f" "ELF", 4))
		return MODULE_ELF;
	if (size >= 0x206 && !memcmp(p + 0x202, "HdrS", 4))
		return MODULE_LINUX_BZIMAGE;
	if (size >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return MODULE_GZIP;
	if (size >= 6 && !memcmp(p, "070701", 6))
		return MODULE_CPIO;
	return MODULE_UNKNOWN;
}

unsigned int modules_report(const struct boot_info *bi)
{
	unsigned int usable = 0;

	pr_info("modules: %zu\n", bi->module_total);
	for (size_t i = 0; i < bi->module_count; i++) {
		const struct mb2_module *m = &bi->modules[i];
		enum module_kind k = module_identify(m);
		bool ok = k != MODULE_EMPTY && k != MODULE_UNREACHABLE && k != MODULE_UNKNOWN;

		log_printf(ok ? LOG_INFO : LOG_ERROR,
			   "module %zu: %#llx-%#llx (%llu bytes) '%s': %s%s\n", i,
			   (unsigned long long)m->start, (unsigned long long)m->end,
			   (unsigned long long)(m->end - m->start), m->cmdline,
			   kind_names[k], ok ? "" : ", ignored");
		usable += ok;
	}
	if (bi->module_count < bi->module_total)
		pr_err("modules: only the first %zu of %zu are used\n",
		       bi->module_count, bi->module_total);
	return usable;
}
