/*
 * Error numbers the freestanding parts (hypervisor, mmu/, shared-pt/)
 * return, negated. The values are the guest ABI's (public/errno.h), which
 * are Linux's, so an error crosses to a guest unchanged.
 *
 * Built hosted (unit tests, fuzzers, benchmarks), the names come from the
 * host's <errno.h>, so test code may include either header first; the
 * assertions keep the host's values equal to the ABI's.
 */
#ifndef BASE_ERRNO_H
#define BASE_ERRNO_H

#include "public/errno.h"

#if __STDC_HOSTED__
#include <errno.h>

#define BASE_ERRNO_IS_ABI(e) \
	_Static_assert(e == XEN_##e, #e " differs from the guest ABI")
BASE_ERRNO_IS_ABI(EPERM);
BASE_ERRNO_IS_ABI(ENOENT);
BASE_ERRNO_IS_ABI(ESRCH);
BASE_ERRNO_IS_ABI(EINTR);
BASE_ERRNO_IS_ABI(EIO);
BASE_ERRNO_IS_ABI(E2BIG);
BASE_ERRNO_IS_ABI(EBADF);
BASE_ERRNO_IS_ABI(EAGAIN);
BASE_ERRNO_IS_ABI(ENOMEM);
BASE_ERRNO_IS_ABI(EACCES);
BASE_ERRNO_IS_ABI(EFAULT);
BASE_ERRNO_IS_ABI(EBUSY);
BASE_ERRNO_IS_ABI(EEXIST);
BASE_ERRNO_IS_ABI(EXDEV);
BASE_ERRNO_IS_ABI(ENODEV);
BASE_ERRNO_IS_ABI(EINVAL);
BASE_ERRNO_IS_ABI(ENOSPC);
BASE_ERRNO_IS_ABI(ERANGE);
BASE_ERRNO_IS_ABI(ENOSYS);
BASE_ERRNO_IS_ABI(ENOTEMPTY);
BASE_ERRNO_IS_ABI(ETIME);
BASE_ERRNO_IS_ABI(EOVERFLOW);
BASE_ERRNO_IS_ABI(EOPNOTSUPP);
#undef BASE_ERRNO_IS_ABI
#else
#define EPERM		XEN_EPERM
#define ENOENT		XEN_ENOENT
#define ESRCH		XEN_ESRCH
#define EINTR		XEN_EINTR
#define EIO		XEN_EIO
#define E2BIG		XEN_E2BIG
#define EBADF		XEN_EBADF
#define EAGAIN		XEN_EAGAIN
#define ENOMEM		XEN_ENOMEM
#define EACCES		XEN_EACCES
#define EFAULT		XEN_EFAULT
#define EBUSY		XEN_EBUSY
#define EEXIST		XEN_EEXIST
#define EXDEV		XEN_EXDEV
#define ENODEV		XEN_ENODEV
#define EINVAL		XEN_EINVAL
#define ENOSPC		XEN_ENOSPC
#define ERANGE		XEN_ERANGE
#define ENOSYS		XEN_ENOSYS
#define ENOTEMPTY	XEN_ENOTEMPTY
#define ETIME		XEN_ETIME
#define EOVERFLOW	XEN_EOVERFLOW
#define EOPNOTSUPP	XEN_EOPNOTSUPP
#endif

#endif
