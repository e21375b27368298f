/* Polled 16550 UART driver for the console. Polling keeps panics and
 * exception dumps working with interrupts off. */
#include <stdbool.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <umbra/serial.h>

static uint16_t serial_port;

void serial_init(uint16_t port, uint32_t baud)
{
	uint16_t div = (uint16_t)(UART_CLOCK / (baud ? baud : UART_CLOCK));

	outb(port + UART_IER, 0);
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, div & 0xff);
	outb(port + UART_DLM, div >> 8);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_FIFO_RESET);
	outb(port + UART_MCR, MCR_DTR_RTS);
	serial_port = port;
}

static void serial_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the hypervisor. */
	for (int i = 0; i < 100000; i++)
		if (inb(serial_port + UART_LSR) & LSR_THRE)
			break;
	outb(serial_port + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	if (!serial_port)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
