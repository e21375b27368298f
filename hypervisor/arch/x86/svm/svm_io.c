/* Port I/O. For a domain every port is intercepted: COM1 is a minimal
 * 16550 whose output goes to the domain's console, PIT channel 2 counts
 * (its count read back: asm/pit.h); any other port reads all-ones and
 * ignores writes, as an empty ISA bus does, and is counted.
 * dom0 exits only on the few ports Umbra keeps (below). */
#include <asm/guest_access.h>
#include <asm/hvm.h>
#include <asm/insn.h>
#include <asm/pit.h>
#include <asm/svm/svm.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <umbra/domain.h>
#include <umbra/errno.h>
#include <umbra/hot.h>
#include <umbra/power.h>

#define LSR_IDLE	(LSR_THRE | LSR_TEMT)	/* output never waits */
#define MSR_CONNECTED	(MSR_UART_DCD | MSR_UART_DSR | MSR_UART_CTS)


static __exit_io uint32_t uart_read(struct domain *d, unsigned int reg)
{
	struct uart_state *u = &d->uart;

	switch (reg) {
	case UART_RBR: return (u->lcr & LCR_DLAB) ? u->dll : 0;
	case UART_IER: return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case UART_IIR: return IIR_NO_INT;
	case UART_LCR: return u->lcr;
	case UART_MCR: return u->mcr;
	case UART_LSR: return LSR_IDLE;
	case UART_MSR: return MSR_CONNECTED;
	default: return u->scratch;
	}
}

static __exit_io void uart_write(struct domain *d, unsigned int reg, uint8_t val)
{
	struct uart_state *u = &d->uart;
	char c = (char)val;

	switch (reg) {
	case UART_THR:
		if (u->lcr & LCR_DLAB)
			u->dll = val;
		else
			domain_console_write(d, &c, 1);
		break;
	case UART_IER:
		if (u->lcr & LCR_DLAB)
			u->dlm = val;
		else
			u->ier = val;
		break;
	case UART_LCR: u->lcr = val; break;
	case UART_MCR: u->mcr = val; break;
	case UART_SCR: u->scratch = val; break;
	}
}

/* dom0 owns the devices: the ports it exits on are Umbra's COM2 (absent
 * to it) and the power registers (umbra/power.h), whose reads and other
 * writes go to the hardware as they are. */
static bool is_com2(uint16_t port)
{
	return port >= COM2_PORT && port < COM2_PORT + UART_NR_PORTS;
}

static uint32_t dom0_io_read(uint16_t port, unsigned int size)
{
	if (is_com2(port))
		return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	return size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
}

static void dom0_io_write(uint16_t port, unsigned int size, uint32_t val)
{
	if (is_com2(port) || power_dom0_port_write(port, size, val))
		return;
	if (size == 1)
		outb(port, (uint8_t)val);
	else if (size == 2)
		outw(port, (uint16_t)val);
	else
		outl(port, val);
}

static __exit_io uint32_t io_read(struct vcpu *v, uint16_t port, unsigned int size)
{
	if (domain_is_dom0(v->domain))
		return dom0_io_read(port, size);
	if (port >= COM1_PORT && port < COM1_PORT + UART_NR_PORTS && size == 1)
		return uart_read(v->domain, port - COM1_PORT);
	if (port == PIT_CH2 && size == 1)
		return pit2_read(&v->domain->pit2, rdtsc(), tsc_khz);
	v->stats.io_unhandled++;
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static __exit_io void io_write(struct vcpu *v, uint16_t port, unsigned int size, uint32_t val)
{
	if (domain_is_dom0(v->domain)) {
		dom0_io_write(port, size, val);
		return;
	}
	if (port >= COM1_PORT && port < COM1_PORT + UART_NR_PORTS && size == 1) {
		uart_write(v->domain, port - COM1_PORT, (uint8_t)val);
		return;
	}
	if (port == PIT_CH2 && size == 1) {
		pit2_write(&v->domain->pit2, (uint8_t)val, rdtsc());
		return;
	}
	if (port == PIT_CMD && size == 1) {
		pit2_control(&v->domain->pit2, (uint8_t)val, rdtsc(), tsc_khz);
		return;
	}
	v->stats.io_unhandled++;
}

/* Address size and OUTS source segment come from the instruction:
 * TCG leaves EXITINFO1's address-size and segment bits empty. */
static int string_operands(struct vcpu *v, uint64_t *mask, uint64_t *src_base)
{
	const struct vmcb *vmcb = v->hvm.vmcb;
	const struct vmcb_seg *segs[] = { &vmcb->es, &vmcb->cs, &vmcb->ss,
					  &vmcb->ds, &vmcb->fs, &vmcb->gs };
	struct insn insn;

	if (svm_decode_at_rip(v, &insn) < 0)
		return -EFAULT;
	*mask = insn.addr_bytes == 8 ? ~0ULL : (1ULL << (8 * insn.addr_bytes)) - 1;
	*src_base = insn.seg < INSN_NR_SEGS ? segs[insn.seg]->base : vmcb->ds.base;
	if (svm_guest_is_64bit(vmcb) && insn.seg != INSN_SEG_FS && insn.seg != INSN_SEG_GS)
		*src_base = 0;
	return 0;
}

/* Elements a REP INS/OUTS may move per exit. The rest of the count stays
 * in RCX and the instruction runs again, as after an interrupt, so a huge
 * count cannot hold a pCPU. */
#define IO_STRING_BATCH	1024

/* INS / OUTS, with REP: one element at a time through guest memory, with
 * the privilege of the guest code that runs it (IOPL 3 lets CPL 3 do it).
 * Returns 1 when the count is done, 0 when the instruction must repeat,
 * -1 on a bad guest address. Not inlined: it stays out of the exit
 * path's pages (umbra/hot.h), which only IN and OUT need. */
static __attribute__((noinline)) int io_string(struct vcpu *v, uint64_t info1, uint16_t port, unsigned int size,
		     struct guest_fault *fault)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	struct guest_regs *r = &v->hvm.regs;
	uint64_t mask, src_base;
	uint64_t count;
	int64_t step = (vmcb->rflags & X86_EFLAGS_DF) ? -(int64_t)size : (int64_t)size;
	bool in = info1 & IOIO_TYPE_IN;
	unsigned int batch = IO_STRING_BATCH;
	bool user = svm_guest_cpl(vmcb) == 3;
	uint64_t dst_base = svm_guest_is_64bit(vmcb) ? 0 : vmcb->es.base;

	if (string_operands(v, &mask, &src_base))
		return -EFAULT;
	count = (info1 & IOIO_REP) ? (r->rcx & mask) : 1;

	for (; count && batch; count--, batch--) {
		uint32_t val = 0;

		if (in) {
			val = io_read(v, port, size);
			if (copy_guest_insn(v, dst_base + (r->rdi & mask), &val, size,
					    true, user, fault))
				return -EFAULT;
			r->rdi = (r->rdi & ~mask) | ((r->rdi + step) & mask);
		} else {
			if (copy_guest_insn(v, src_base + (r->rsi & mask), &val, size,
					    false, user, fault))
				return -EFAULT;
			io_write(v, port, size, val);
			r->rsi = (r->rsi & ~mask) | ((r->rsi + step) & mask);
		}
		if (info1 & IOIO_REP)
			r->rcx = (r->rcx & ~mask) | ((r->rcx - 1) & mask);
	}
	return count == 0;
}

/* Does this exit touch nothing but the vCPU and its domain's UART state
 * (no console output, no device, no guest memory)? A domU's IN, or OUT
 * to any port but COM1's transmit register, without a string. */
__exit_io bool svm_exit_io_is_pure(const struct vcpu *v)
{
	uint64_t info1 = v->hvm.vmcb->exit_info1;
	unsigned int size = (info1 >> IOIO_SZ_SHIFT) & IOIO_SZ_MASK;

	if (domain_is_dom0(v->domain) || (info1 & IOIO_STR) ||
	    (size != 1 && size != 2 && size != 4))
		return false;
	return (info1 & IOIO_TYPE_IN) || (uint16_t)(info1 >> IOIO_PORT_SHIFT) != COM1_PORT;
}

__exit_io void svm_exit_io(struct vcpu *v)
{
	struct vmcb *vmcb = v->hvm.vmcb;
	uint64_t info1 = vmcb->exit_info1;
	uint16_t port = (uint16_t)(info1 >> IOIO_PORT_SHIFT);
	unsigned int size = (info1 >> IOIO_SZ_SHIFT) & IOIO_SZ_MASK;

	if (size != 1 && size != 2 && size != 4) {
		domain_crash(v->domain, "I/O exit with operand size %u", size);
		return;
	}
	if (info1 & IOIO_STR) {
		struct guest_fault fault;
		int done = io_string(v, info1, port, size, &fault);

		/* The CPU's #PF for an unmapped or protected buffer; #GP(0) for
		 * one outside the domain's RAM. Elements already moved stay
		 * moved, with RSI/RDI/RCX where they stopped, as on hardware. */
		if (done < 0 && fault.page_fault) {
			vmcb->cr2 = fault.addr;
			hvm_inject_exception(v, TRAP_PF, (int)fault.error_code);
			return;
		}
		if (done < 0) {
			hvm_inject_exception(v, TRAP_GP, 0);
			return;
		}
		if (!done)
			return;		/* RIP unchanged: the rest runs next entry */
	} else if (info1 & IOIO_TYPE_IN) {
		uint64_t keep = size == 4 ? 0 : vmcb->rax & ~((1ULL << (8 * size)) - 1);

		vmcb->rax = keep | io_read(v, port, size);
	} else {
		io_write(v, port, size, (uint32_t)vmcb->rax);
	}
	vmcb->rip = vmcb->exit_info2;	/* next RIP: valid for IOIO even on TCG */
}
