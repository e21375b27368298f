/*
 * libvmstore: the client library for vmstored, Umbra's domain store.
 *
 * The API follows libxenstore's (xs_open, xs_read, ...) with a vms_
 * prefix, so code written for XenStore ports by renaming. It speaks the
 * XenStore wire protocol over vmstored's Unix socket, so it also works
 * against Xen's own xenstored.
 *
 * Conventions
 *   - Functions returning a pointer return NULL on failure, functions
 *     returning bool return false; errno then says why (ENOENT, EACCES,
 *     EINVAL, EAGAIN, E2BIG, ENOSPC, ... as sent by the daemon, or EBADF
 *     / EPIPE when the connection is gone, EPROTO for a broken reply).
 *   - Returned memory is one malloc() block: free() it, and nothing else.
 *   - Paths are absolute ("/local/domain/3/name") or relative to the
 *     caller's domain path (/local/domain/0 for socket clients).
 *   - Values are byte strings; vms_read() adds a NUL after the value for
 *     convenience (not counted in *len).
 *
 * Threads
 *   A handle may be shared by any number of threads. Requests from
 *   different threads are pipelined on the one connection; each caller
 *   gets its own reply. One thread may block in vms_read_watch() while
 *   others issue requests.
 *
 * Watches
 *   vms_watch() registers a watch; the daemon then sends an event when
 *   the path or anything below it changes, and once right away. Events
 *   are fetched with vms_read_watch() (blocks) or vms_check_watch()
 *   (returns NULL with errno EAGAIN when none is pending). vms_fileno()
 *   gives a file descriptor for poll()/select(): it becomes readable when
 *   an event may be pending. Wake-ups can be spurious, so after it polls
 *   readable call vms_check_watch() until it reports EAGAIN.
 *
 * Transactions
 *   vms_transaction_start() returns an id to pass as t; VMS_TXN_NULL
 *   means "no transaction". vms_transaction_end(h, t, false) commits and
 *   fails with errno EAGAIN if another client changed something the
 *   transaction touched: redo the whole transaction then.
 */
#ifndef LIBVMSTORE_VMSTORE_H
#define LIBVMSTORE_VMSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VMS_DEFAULT_SOCKET "/run/umbra/vmstored.sock"
#define VMS_DOMID_MAX 65535U

typedef uint32_t vms_transaction_t;
#define VMS_TXN_NULL 0U

/* Access bits; VMS_PERM_OWNER only appears in the daemon's decisions. */
enum vms_perm {
	VMS_PERM_NONE = 0,
	VMS_PERM_READ = 1,
	VMS_PERM_WRITE = 2,
	VMS_PERM_BOTH = 3,
	VMS_PERM_OWNER = 4,
};

/*
 * A node's permission list: the first entry names the owner (who may do
 * anything) and gives everyone else's default access; later entries grant
 * specific domains other access. dom0 may always do everything.
 */
struct vms_permissions {
	unsigned int id;	/* domain id */
	unsigned int perms;	/* enum vms_perm bits */
};

/* Indexes into the array vms_read_watch() returns. */
enum vms_watch_field {
	VMS_WATCH_PATH = 0,
	VMS_WATCH_TOKEN = 1,
};

struct vms_handle;

/*
 * Connect to the store. socket_path NULL means $XENSTORED_PATH if set,
 * else VMS_DEFAULT_SOCKET. flags must be 0.
 */
struct vms_handle *vms_open(const char *socket_path, unsigned long flags);
/* Disconnect; the daemon drops the handle's watches and transactions. */
void vms_close(struct vms_handle *h);
/* The socket path vms_open(NULL, 0) would use. */
const char *vms_default_socket(void);

/* Read a value; *len (may be NULL) gets its length. */
void *vms_read(struct vms_handle *h, vms_transaction_t t, const char *path,
	       unsigned int *len);
/* Write a value, creating the node and any missing parents. */
bool vms_write(struct vms_handle *h, vms_transaction_t t, const char *path,
	       const void *data, unsigned int len);
/* Create a node (and parents) with an empty value; fine if it exists. */
bool vms_mkdir(struct vms_handle *h, vms_transaction_t t, const char *path);
/* Remove a node and everything below it; fine if it does not exist. */
bool vms_rm(struct vms_handle *h, vms_transaction_t t, const char *path);
/*
 * List the names of a node's children; *num gets the count. The array
 * and the strings are one allocation. Long lists are fetched in parts
 * and retried if the node changes meanwhile.
 */
char **vms_directory(struct vms_handle *h, vms_transaction_t t,
		     const char *path, unsigned int *num);

struct vms_permissions *vms_get_permissions(struct vms_handle *h,
					    vms_transaction_t t,
					    const char *path,
					    unsigned int *num);
/* Only the owner (or dom0) may; only dom0 may give a node away. */
bool vms_set_permissions(struct vms_handle *h, vms_transaction_t t,
			 const char *path,
			 const struct vms_permissions *perms, unsigned int num);

vms_transaction_t vms_transaction_start(struct vms_handle *h);
bool vms_transaction_end(struct vms_handle *h, vms_transaction_t t,
			 bool abort);

/* Path may also be "@introduceDomain" or "@releaseDomain". */
bool vms_watch(struct vms_handle *h, const char *path, const char *token);
bool vms_unwatch(struct vms_handle *h, const char *path, const char *token);
int vms_fileno(struct vms_handle *h);
/* Returns { path, token } (use enum vms_watch_field); *num gets 2. */
char **vms_read_watch(struct vms_handle *h, unsigned int *num);
char **vms_check_watch(struct vms_handle *h);
/* Drop all of this connection's watches and transactions. */
bool vms_reset_watches(struct vms_handle *h);

/* Domain management (dom0 only, except the path query). */
char *vms_get_domain_path(struct vms_handle *h, unsigned int domid);
bool vms_introduce_domain(struct vms_handle *h, unsigned int domid,
			  unsigned long mfn, unsigned int port);
bool vms_release_domain(struct vms_handle *h, unsigned int domid);
bool vms_is_domain_introduced(struct vms_handle *h, unsigned int domid);

/*
 * Send a CONTROL command (e.g. "print", "check", "quota"); data holds
 * its NUL-separated arguments. Returns the daemon's text answer.
 */
char *vms_control_command(struct vms_handle *h, const char *cmd,
			  const void *data, unsigned int len);

/* "b5" <-> { 5, VMS_PERM_BOTH }; false for anything malformed. */
bool vms_perm_from_string(const char *s, struct vms_permissions *perm);
bool vms_perm_to_string(const struct vms_permissions *perm, char *buf,
			size_t len);

#ifdef __cplusplus
}
#endif

#endif
