/*
 * libvmctl: dom0's C library for managing Umbra's domains, over the
 * /dev/umbra driver (pvguest-patches/linux/umbra) and the management
 * interface of public/mgmt.h. vmctl and vmtop are written against it.
 *
 * Conventions
 *   - Every function returning int (or long) returns 0 (or a count) on
 *     success and a negative errno on failure: -EPERM (not allowed),
 *     -ENOENT / -ESRCH (no such domain), -EINVAL (bad argument or image),
 *     -ENOMEM (not enough memory, in Umbra or here), -EEXIST (name
 *     taken), -EACCES (interface version mismatch), -ENOENT (no
 *     /dev/umbra: the driver is not loaded), -ENODEV (not Umbra's
 *     device), -EIO, ... as the hypervisor, the driver or the C library
 *     reported.
 *   - After a failure, vmctl_last_error() gives a sentence for a person,
 *     e.g. "not enough free memory: asked 512 MiB, 200 MiB free". It is
 *     per thread and stays until that thread's next failing call.
 *   - Memory the library returns is one malloc() block: free() it.
 *   - Domains are named by id (uint32_t domid); vmctl_domain_find()
 *     turns a name or a decimal id into one.
 *
 * Threads
 *   A handle may be used by several threads at once: each call is one or
 *   more independent ioctls on the handle's file descriptor, and the
 *   library keeps no mutable state but the per-thread error text. The
 *   event state behind vmctl_fd() is per handle, though: a thread that
 *   waits for events on its own (vmctl_wait(), or poll() on vmctl_fd())
 *   should have its own handle.
 *
 * Structures
 *   Physical, domain, vCPU and counter information is returned in the
 *   management interface's own structures (public/mgmt.h: struct
 *   umbra_mgmt_physinfo, umbra_domain_info, umbra_domain_counters,
 *   umbra_mgmt_ring), which this header includes.
 */
#ifndef LIBVMCTL_VMCTL_H
#define LIBVMCTL_VMCTL_H

#include <stddef.h>
#include <stdint.h>

#include "public/mgmt.h"
#include "public/sched.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The device vmctl_open() uses unless $UMBRA_DEVICE names another. */
#define VMCTL_DEVICE		"/dev/umbra"
#define VMCTL_DEVICE_ENV	"UMBRA_DEVICE"

struct vmctl;	/* an open handle on the driver */

/* ---- handles and errors ------------------------------------------- */

/*
 * Open the driver and check that the hypervisor speaks this library's
 * interface version (UMBRA_MGMT_INTERFACE_VERSION); on a mismatch the
 * error is -EACCES and the text says "Umbra's management interface is
 * version X, this tool was built for Y". *h is set on success only.
 */
int vmctl_open(struct vmctl **h);

/* The same, with an explicit device path (NULL: as vmctl_open()). */
int vmctl_open_path(const char *path, struct vmctl **h);

/* Close the handle (NULL is allowed). */
void vmctl_close(struct vmctl *h);

/* The handle's file descriptor, for poll(): readable (POLLIN) when the
 * event generation moved since this handle last asked (vmctl_events(),
 * vmctl_wait()). */
int vmctl_fd(const struct vmctl *h);

/* This thread's text for its last failure ("" if none yet). */
const char *vmctl_last_error(void);

/* ---- the machine and its domains ---------------------------------- */

int vmctl_physinfo(struct vmctl *h, struct umbra_mgmt_physinfo *out);

/*
 * Every domain, dom0 included, in one call, by domid: *list is a
 * malloc()ed array of *nr entries (the buffer grows if domains appear
 * meanwhile). Returns 0 or -errno (*list untouched).
 */
int vmctl_domain_list(struct vmctl *h, struct umbra_domain_info **list,
		      unsigned int *nr);

/* One domain's information; -ESRCH if it does not exist. */
int vmctl_domain_info(struct vmctl *h, uint32_t domid,
		      struct umbra_domain_info *out);

/*
 * The domain called `name_or_id`: a decimal number is a domid (as xl
 * reads it), anything else a name. Fills *out if out is not NULL and
 * returns the domid (>= 0), or -ESRCH ("no domain called 'x'").
 */
long vmctl_domain_find(struct vmctl *h, const char *name_or_id,
		       struct umbra_domain_info *out);

/* Every domain's counters in one call, as vmctl_domain_list(). */
int vmctl_domain_counters(struct vmctl *h, struct umbra_domain_counters **list,
			  unsigned int *nr);

/*
 * What a monitor reads each refresh, in one management call however many
 * domains exist (UMBRA_MGMT_snapshot): physinfo, and what a monitor shows
 * of every domain, read together so they agree. The records stay in a
 * buffer the snapshot keeps from one call to the next (no allocation,
 * no copy in a refresh); free it with vmctl_snapshot_free(). A zeroed
 * struct is an empty snapshot.
 */
struct vmctl_snapshot {
	struct umbra_mgmt_physinfo phys;
	unsigned int nr;			/* domains */
	/* By domid: dom[i]->vcpu[] holds dom[i]->nr_vcpus entries. */
	const struct umbra_domain_snapshot **dom;
	/* The library's: */
	void *buf;
	size_t buf_size;
	unsigned int dom_room;
};

/*
 * Read a snapshot into s, replacing what it held. A second call is made
 * only when domains appeared since the handle's last snapshot and the
 * buffer was too small. Returns 0, or -errno with s->nr = 0 (records
 * Umbra got wrong are refused: -EIO and the error text).
 */
int vmctl_snapshot(struct vmctl *h, struct vmctl_snapshot *s);

/* Free what s holds; s is left empty (zeroed). */
void vmctl_snapshot_free(struct vmctl_snapshot *s);

/* Management calls (ioctls on the driver) made through h so far, every
 * thread's: what a tool's cost per refresh is measured in. */
unsigned long vmctl_calls(const struct vmctl *h);

/* ---- creating and loading ----------------------------------------- */

/*
 * A domain to create. Zero / NULL fields take the default given.
 */
struct vmctl_domain_config {
	const char *name;	/* required; < UMBRA_DOMAIN_NAME_MAX bytes */
	uint64_t mem_bytes;	/* required; 2 MiB multiple */
	unsigned int vcpus;	/* 0: 1 */
	uint64_t cpus;		/* affinity bitmap of pCPUs; 0: any not dom0's */
	unsigned int type;	/* UMBRA_DOMAIN_TYPE_*; 0: PVH */
	unsigned int paging;	/* UMBRA_PAGING_*; 0: nested */
	uint64_t shadow_bytes;	/* paging=shadow pool; 0: Umbra's default */
	const char *kernel;	/* ELF with a PVH entry note, may be gzip'd;
				 * NULL: create only, load later */
	const char *ramdisk;	/* NULL: none (loaded as is, gzip'd or not) */
	const char *cmdline;	/* NULL: empty */
	/* ramdisk and cmdline only matter with a kernel. */
};

/*
 * Create a domain (paused) and, if cfg->kernel is set, load it
 * (vmctl_domain_load()). On any failure nothing is left behind: a domain
 * created here whose image is refused is destroyed again. *domid is set
 * on success. The domain starts running on vmctl_domain_unpause().
 */
int vmctl_domain_create(struct vmctl *h, const struct vmctl_domain_config *cfg,
			uint32_t *domid);

/*
 * Load a kernel (and optional ramdisk and command line) into a domain
 * created but not yet started, as Xen's libxenguest does from dom0: the
 * file is read here, inflated if gzip-compressed (zlib), checked as a PVH
 * ELF image (truncated, wrong architecture, overlapping segments, an
 * entry outside the image: refused with -EINVAL and a sentence), its
 * segments written into the domain's memory, the ramdisk placed as a PVH
 * module, the start info (command line, memory map, modules) built in
 * the last 64 KiB of its RAM, and vCPU 0 pointed at the entry. A refused
 * image leaves the domain unstarted. ramdisk and cmdline may be NULL.
 */
int vmctl_domain_load(struct vmctl *h, uint32_t domid, const char *kernel,
		      const char *ramdisk, const char *cmdline);

/* ---- running ------------------------------------------------------- */

int vmctl_domain_unpause(struct vmctl *h, uint32_t domid);
int vmctl_domain_pause(struct vmctl *h, uint32_t domid);

/* Ask the guest to shut down (reason: SHUTDOWN_poweroff, _reboot, ... of
 * public/sched.h), as Xen's remote shutdown does; returns at once. */
int vmctl_domain_shutdown(struct vmctl *h, uint32_t domid, unsigned int reason);

/* Destroy the domain: its memory is scrubbed and returned. */
int vmctl_domain_destroy(struct vmctl *h, uint32_t domid);

/* Let vCPU `vcpu` of the domain run only on the pCPUs of `affinity`. */
int vmctl_vcpu_pin(struct vmctl *h, uint32_t domid, unsigned int vcpu,
		   uint64_t affinity);

/* ---- consoles and the log ------------------------------------------ */

/*
 * Read a domain's console output from position ring->pos into buf (up to
 * size bytes; more than UMBRA_MGMT_BUF_MAX is read as that much). On
 * return ring->pos is the position after the last byte copied,
 * ring->len the bytes copied, ring->dropped how many bytes from the
 * asked position on were no longer held, ring->head the writer's
 * position. Returns the bytes copied (>= 0) or -errno. Start at pos 0 to
 * read everything still held; pass the returned pos next time to miss
 * nothing.
 */
long vmctl_console_read(struct vmctl *h, uint32_t domid,
			struct umbra_mgmt_ring *ring, void *buf, size_t size);

/* The same for Umbra's own log ring. */
long vmctl_log_read(struct vmctl *h, struct umbra_mgmt_ring *ring, void *buf,
		    size_t size);

/* Forget what the log ring holds (positions keep growing). */
int vmctl_log_clear(struct vmctl *h);

/* ---- events --------------------------------------------------------- */

/*
 * The event generation: a hypervisor-wide count of domain state changes
 * and console output. Sets *generation and marks it seen by this handle.
 */
int vmctl_events(struct vmctl *h, uint64_t *generation);

/*
 * Wait until the generation differs from *generation (the last one the
 * caller saw), at most timeout_ms milliseconds (-1: for ever). Returns 1
 * with *generation updated when it moved, 0 on timeout, or -errno
 * (-EINTR if a signal came).
 */
int vmctl_wait(struct vmctl *h, uint64_t *generation, int timeout_ms);

/* ---- back ends: rings and dom0's event channels ---------------------- */

/*
 * A domain's store and console rings (its pages and its ports, unbound
 * for dom0), as its HVM parameters tell the guest. -ENOENT for a domain
 * without them (one built from a boot module).
 */
int vmctl_domain_rings(struct vmctl *h, uint32_t domid, struct umbra_mgmt_rings *out);
/*
 * Map ring `which` (UMBRA_RING_STORE, UMBRA_RING_CONSOLE) of a domain
 * into this process, one page read-write: NULL with errno and the error
 * text on failure. One back end per ring: unmapping (or closing the
 * handle) takes dom0's mapping of the page away.
 */
void *vmctl_ring_map(struct vmctl *h, uint32_t domid, unsigned int which);
int vmctl_ring_unmap(struct vmctl *h, uint32_t domid, unsigned int which, void *ring);
/* A dom0 port connected to the domain's remote_port: the port, or -errno. */
long vmctl_evtchn_bind(struct vmctl *h, uint32_t domid, uint32_t remote_port);
int vmctl_evtchn_close(struct vmctl *h, uint32_t port);
int vmctl_evtchn_notify(struct vmctl *h, uint32_t port);
/*
 * Which of these dom0 ports had an event since last asked (each is then
 * cleared): ports not pending become 0. Returns how many were, or -errno.
 * An event also moves the generation (vmctl_wait(), poll() on vmctl_fd()).
 */
long vmctl_evtchn_pending(struct vmctl *h, uint32_t *ports, unsigned int n);

/* ---- save and restore ----------------------------------------------- */

/*
 * The management interface's save/restore requests, one each (public/
 * mgmt.h says what each does). The domain must be paused (-EBUSY
 * otherwise). vmctl_domain_state_get returns how many ports are in use
 * with *ports a malloc()ed array of them (free it).
 */
int vmctl_memory_read(struct vmctl *h, uint32_t domid, uint64_t gpa, void *buf, size_t len);
int vmctl_vcpu_context_get(struct vmctl *h, uint32_t domid, unsigned int vcpu,
			   struct umbra_vcpu_context *c);
int vmctl_vcpu_context_set(struct vmctl *h, uint32_t domid, unsigned int vcpu,
			   const struct umbra_vcpu_context *c);
long vmctl_domain_state_get(struct vmctl *h, uint32_t domid, struct umbra_domain_state *s,
			    struct umbra_evtchn_record **ports);
int vmctl_domain_state_set(struct vmctl *h, uint32_t domid, const struct umbra_domain_state *s,
			   const struct umbra_evtchn_record *ports);
/* The domain's own grant table (grant_state): *state a malloc()ed buffer
 * (free it) holding struct umbra_grant_state, its frame records and the
 * backed frames' pages; returns its size. _set loads such a buffer. */
long vmctl_grant_state_get(struct vmctl *h, uint32_t domid, void **state);
int vmctl_grant_state_set(struct vmctl *h, uint32_t domid, const void *state, size_t len);

struct vmctl_save_stats {
	uint64_t mem_bytes;	/* the domain's RAM */
	uint64_t pages;		/* pages written (not all zeros) */
	uint64_t zero_pages;	/* left out */
	uint64_t file_bytes;
};

/*
 * Save a paused domain into fd (a regular file open for writing; it is
 * written from offset 0 and truncated to the save's size): the format of
 * docs/save-format.md. The domain is left as it was (paused): the caller
 * destroys or unpauses it. st may be NULL.
 */
int vmctl_domain_save(struct vmctl *h, uint32_t domid, int fd, struct vmctl_save_stats *st);

struct vmctl_restore_info {
	char name[UMBRA_DOMAIN_NAME_MAX];	/* as saved */
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	unsigned int paging;
	uint64_t pages;			/* memory pages in the file */
	uint64_t file_bytes;
	unsigned int skipped_sections;	/* optional ones this library does not know */
};

/*
 * Read a save file whole and check it (size, checksum, format and
 * interface versions, architecture, every section): 0 with *file (free
 * it) and info, or -EINVAL with a sentence saying what is wrong.
 */
int vmctl_save_file_read(const char *path, void **file, size_t *size,
			 struct vmctl_restore_info *info);

/*
 * Create a domain from a save file, paused, in the state it was saved
 * in (name: NULL for the saved one). The file is checked whole before
 * anything is created; a failure afterwards destroys the new domain.
 * *domid and info (may be NULL) are set on success.
 */
int vmctl_domain_restore(struct vmctl *h, const char *path, const char *name,
			 uint32_t *domid, struct vmctl_restore_info *info);

/* ---- names ---------------------------------------------------------- */

/* "running", "blocked", "paused", "shutdown", "crashed", "dying", or "?"
 * for a value this library does not know. */
const char *vmctl_domstate_name(unsigned int state);
/* "runnable", "running", "blocked", "down", "?". */
const char *vmctl_vcpustate_name(unsigned int state);
/* "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset", "?". */
const char *vmctl_shutdown_name(unsigned int reason);
/* "pvh", "hvm", "pv", "?". */
const char *vmctl_type_name(unsigned int type);
/* "nested", "shadow", "shared", "?". */
const char *vmctl_paging_name(unsigned int paging);
/* An exit reason of umbra_domain_counters.exits (UMBRA_EXIT_*): "cpuid",
 * "msr", "io", "npf", "hypercall", "hlt", "intr", "cr", "exception",
 * "other", or NULL for an unused slot. */
const char *vmctl_exit_name(unsigned int reason);

#ifdef __cplusplus
}
#endif

#endif
