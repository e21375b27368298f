/* A domain's console output (COM1 and console_io): kept in its ring for
 * dom0's tools and printed line by line on the hypervisor console. */
#include <umbra/domain.h>
#include <umbra/mgmt.h>
#include <umbra/ring_window.h>
#include <umbra/string.h>

static void console_flush_line(struct domain *d)
{
	guest_console_line(&d->glog, d->console_line, d->console_line_len);
	d->console_line_len = 0;
}

void domain_console_write(struct domain *d, const char *buf, uint64_t len)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	for (uint64_t i = 0; i < len; i++) {
		char c = buf[i];

		d->console_ring[d->console_head++ % CONSOLE_RING_SIZE] = c;
		if (c == '\n' || d->console_line_len == CONSOLE_LINE_MAX) {
			console_flush_line(d);
			if (c == '\n')
				continue;
		}
		if (c == '\r')
			continue;
		/* Keep the hypervisor console readable: no control bytes. */
		d->console_line[d->console_line_len++] = (c >= 0x20 && c < 0x7f) ? c : '.';
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (len)
		mgmt_notify();
}

/* Under the writers' lock, into out (at most CONSOLE_RING_SIZE bytes):
 * the reader on dom0's pCPU sees whole writes, never a torn ring. */
void domain_console_read(struct domain *d, uint64_t pos, char *out, uint64_t max,
			 struct ring_window *w, uint64_t *head)
{
	uint64_t f = spin_lock_irqsave(&d->lock);

	if (max > CONSOLE_RING_SIZE)
		max = CONSOLE_RING_SIZE;
	ring_window(d->console_head, CONSOLE_RING_SIZE, 0, pos, max, w);
	for (uint64_t i = 0; i < w->len; i++)
		out[i] = d->console_ring[(w->start + i) % CONSOLE_RING_SIZE];
	*head = d->console_head;
	spin_unlock_irqrestore(&d->lock, f);
}
