/* The PC's 16550 UART: registers as offsets from its base port, and the
 * bits the console driver (serial.c) and the guests' emulated COM1
 * (svm_io.c) use. */
#ifndef ASM_UART_H
#define ASM_UART_H

#define COM1_PORT	0x3f8
#define COM2_PORT	0x2f8	/* Umbra's console once dom0 owns COM1 */
#define UART_NR_PORTS	8
#define UART_CLOCK	115200		/* divisor 1 */

#define UART_THR	0	/* write: transmit holding */
#define UART_RBR	0	/* read: receive buffer */
#define UART_DLL	0	/* with LCR.DLAB: divisor, low byte */
#define UART_IER	1
#define UART_DLM	1	/* with LCR.DLAB: divisor, high byte */
#define UART_IIR	2	/* read: interrupt identification */
#define UART_FCR	2	/* write: FIFO control */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6	/* modem status */
#define UART_SCR	7	/* scratch */

#define IIR_NO_INT	0x01	/* no interrupt pending */
#define FCR_FIFO_RESET	0x07	/* enable, clear receive and transmit FIFOs */
#define LCR_8N1		0x03
#define LCR_DLAB	0x80	/* divisor latch access */
#define MCR_DTR_RTS	0x03
#define LSR_THRE	0x20	/* transmit holding register empty */
#define LSR_TEMT	0x40	/* transmitter empty */
#define MSR_UART_CTS	0x10
#define MSR_UART_DSR	0x20
#define MSR_UART_DCD	0x80

#endif
