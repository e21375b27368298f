#ifndef UMBRA_SERIAL_H
#define UMBRA_SERIAL_H

#include <stddef.h>
#include <stdint.h>

void serial_init(uint16_t port, uint32_t baud);
void serial_write(const char *s, size_t n);

#endif
