/* Reading a kernel or ramdisk file whole, bounded. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int read_all(int fd, uint8_t *buf, size_t size)
{
	size_t done = 0;
	ssize_t n;

	while (done < size) {
		n = read(fd, buf + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* shrank while we read it */
		done += (size_t)n;
	}
	return 0;
}

int vmctl_read_file(const char *path, size_t limit, const char *what,
		    void **out, size_t *out_size)
{
	char ebuf[128];
	struct stat st;
	uint8_t *buf;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vmctl_fail(-errno, "%s '%s': %s", what, path,
				  vmctl_strerror(errno, ebuf, sizeof(ebuf)));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return vmctl_fail(-EINVAL, "%s '%s': not a regular file", what, path);
	}
	if ((uint64_t)st.st_size > limit || st.st_size == 0) {
		close(fd);
		return vmctl_fail(-EINVAL, "%s '%s': %s (%lld bytes)", what, path,
				  st.st_size ? "larger than the domain's memory" : "empty",
				  (long long)st.st_size);
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return vmctl_fail(-ENOMEM, "%s '%s': out of memory", what, path);
	}
	rc = read_all(fd, buf, (size_t)st.st_size);
	close(fd);
	if (rc) {
		free(buf);
		return vmctl_fail(rc, "%s '%s': read failed: %s", what, path,
				  vmctl_strerror(rc, ebuf, sizeof(ebuf)));
	}
	*out = buf;
	*out_size = (size_t)st.st_size;
	return 0;
}
