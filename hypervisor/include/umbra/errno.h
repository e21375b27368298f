/* Error numbers returned (negated) by hypervisor functions. The values are
 * Linux's, which is also what Xen's guest ABI uses, so an error can cross
 * to a guest unchanged. Guarded so host unit tests may include <errno.h>. */
#ifndef UMBRA_ERRNO_H
#define UMBRA_ERRNO_H

#ifndef EPERM
#define EPERM	1
#define ENOENT	2
#define ESRCH	3
#define EINTR	4
#define EIO	5
#define E2BIG	7
#define EBADF	9
#define EAGAIN	11
#define ENOMEM	12
#define EACCES	13
#define EFAULT	14
#define EBUSY	16
#define EEXIST	17
#define EXDEV	18
#define ENODEV	19
#define EINVAL	22
#define ENOSPC	28
#define ERANGE	34
#define ENOSYS	38
#define ENOTEMPTY 39
#define EOVERFLOW 75
#endif

#endif
