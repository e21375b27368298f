// SPDX-License-Identifier: GPL-2.0
/*
 * Copies between the user and the driver's buffer, eight bytes a store.
 * On a CPU with ERMS copy_to_user() and copy_from_user() are one
 * `rep movsb`; an emulated CPU (QEMU's TCG, where Umbra is developed and
 * measured) runs that one byte per iteration, so a monitor's 14 KiB
 * snapshot cost 14,400 iterations to copy out, where these loops take
 * 1,800 plain stores (bench-vmtop, docs/mgmt.md). On hardware the two
 * are alike for the few KiB a request moves. Four stores an iteration:
 * TCG ends a translation block at each backward branch.
 */
#include <linux/uaccess.h>

#include "umbra.h"

int umbra_copy_to_user(void __user *to, const void *from, size_t len)
{
	const u64 *s = from;
	u64 __user *d = to;
	size_t i, words = len / sizeof(u64);

	if (!user_access_begin(to, len))
		return -EFAULT;
	for (i = 0; i + 4 <= words; i += 4) {
		unsafe_put_user(s[i], d + i, fault);
		unsafe_put_user(s[i + 1], d + i + 1, fault);
		unsafe_put_user(s[i + 2], d + i + 2, fault);
		unsafe_put_user(s[i + 3], d + i + 3, fault);
	}
	for (; i < words; i++)
		unsafe_put_user(s[i], d + i, fault);
	user_access_end();
	len -= words * sizeof(u64);
	if (len && copy_to_user(d + words, s + words, len))
		return -EFAULT;
	return 0;
fault:
	user_access_end();
	return -EFAULT;
}

int umbra_copy_from_user(void *to, const void __user *from, size_t len)
{
	const u64 __user *s = from;
	u64 *d = to;
	size_t i, words = len / sizeof(u64);

	if (!user_access_begin(from, len))
		return -EFAULT;
	for (i = 0; i + 4 <= words; i += 4) {
		unsafe_get_user(d[i], s + i, fault);
		unsafe_get_user(d[i + 1], s + i + 1, fault);
		unsafe_get_user(d[i + 2], s + i + 2, fault);
		unsafe_get_user(d[i + 3], s + i + 3, fault);
	}
	for (; i < words; i++)
		unsafe_get_user(d[i], s + i, fault);
	user_access_end();
	len -= words * sizeof(u64);
	if (len && copy_from_user(d + words, s + words, len))
		return -EFAULT;
	return 0;
fault:
	user_access_end();
	return -EFAULT;
}
