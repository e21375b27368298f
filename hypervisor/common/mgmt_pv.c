/* pv_build (public/mgmt.h): a PV domain dom0 created, built from the
 * kernel image dom0 hands over by the same builder boot modules with
 * type=pv use (arch/x86/pv/pv_build.c), with its store and console rings
 * in start_info. */
#include <asm/guest_access.h>
#include <asm/layout.h>
#include <asm/pv.h>
#include <public/xen.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/mgmt.h>
#include <umbra/mm.h>
#include <umbra/printk.h>
#include <umbra/string.h>

/* Shared by every call: the mgmt lock serialises them. */
static char cmdline[MAX_GUEST_CMDLINE];

static int check(const struct umbra_mgmt *r, struct domain *d)
{
	uint64_t image_len = r->u.pv_build.image_len;

	if (!domain_is_pv(d))
		return -EINVAL;
	if (d->state != DOMAIN_PAUSED || d->started || d->vcpus[0]->initialised)
		return -EEXIST;		/* once, before it first runs */
	if (!image_len || image_len > r->buf_len || !r->buf)
		return -EINVAL;
	if (r->buf_len - image_len >= sizeof(cmdline))
		return -EINVAL;
	return 0;
}

/* The image goes through a 2 MiB extent of the hypervisor's (buf is at
 * most 1 MiB): the ELF loader reads it as one piece, as it reads a boot
 * module. */
static int build(struct mgmt_call *c, struct domain *d, const char **why)
{
	const struct umbra_mgmt *r = &c->req;
	uint64_t image_len = r->u.pv_build.image_len, cl_len = r->buf_len - image_len;
	uint64_t tmp = alloc_extent_2m_phys();
	uint8_t *image = tmp ? phys_to_virt(tmp) : NULL;
	struct pv_build_params p = { .image = image, .size = image_len, .cmdline = cmdline };
	int err;

	*why = "no memory to hold the image";
	if (!tmp)
		return -ENOMEM;
	*why = "its image could not be read from dom0";
	err = copy_from_guest(c->v, image, r->buf, r->buf_len) ? -EFAULT : 0;
	if (!err) {
		memcpy(cmdline, image + image_len, cl_len);
		cmdline[cl_len] = '\0';
		err = pv_domain_build(d, &p, why);
	}
	memset(image, 0, r->buf_len);
	free_extent_2m_phys(tmp);
	return err;
}

long mgmt_pv_build(struct mgmt_call *c)
{
	const char *why = "?";
	struct domain *d;
	int err = mgmt_target(c, false, &d);

	if (!err)
		err = check(&c->req, d);
	if (err)
		return err;
	err = build(c, d, &why);
	if (err) {
		/* The tool has only the error number: the log says the rest. */
		pr_info("domain %u (%s): PV image refused: %s\n", d->id, d->name, why);
		return err == -EFAULT || err == -ENOMEM || err == -EEXIST ? err : -EINVAL;
	}
	d->vcpus[0]->initialised = true;
	log_lifecycle(LOG_INFO, "domain %u (%s): PV kernel built by dom0%s%s\n", d->id,
		      d->name, cmdline[0] ? ", command line: " : "", cmdline);
	return 0;
}
