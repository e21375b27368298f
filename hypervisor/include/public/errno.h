/*
 * Error numbers hypercalls return (negated), Xen's values, which are
 * Linux's: a guest can compare against these whatever its own libc uses.
 */
#ifndef UMBRA_PUBLIC_ERRNO_H
#define UMBRA_PUBLIC_ERRNO_H

#define XEN_EPERM	1	/* not allowed for this caller */
#define XEN_ENOENT	2	/* no such object */
#define XEN_ESRCH	3	/* no such domain */
#define XEN_EINTR	4
#define XEN_EIO		5
#define XEN_E2BIG	7
#define XEN_EBADF	9
#define XEN_EAGAIN	11
#define XEN_ENOMEM	12
#define XEN_EACCES	13
#define XEN_EFAULT	14	/* a guest pointer that cannot be read or written */
#define XEN_EBUSY	16
#define XEN_EEXIST	17
#define XEN_EXDEV	18
#define XEN_ENODEV	19
#define XEN_EINVAL	22	/* a bad argument */
#define XEN_ENOSPC	28
#define XEN_ERANGE	34
#define XEN_ENOSYS	38	/* no such hypercall or sub-operation */
#define XEN_ENOTEMPTY	39
#define XEN_ETIME	62	/* a time already past */
#define XEN_EOVERFLOW	75
#define XEN_EOPNOTSUPP	95	/* not supported (yet) */

#endif
