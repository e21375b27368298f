/* Names of the XenStore wire message types, as xenstored's logs and
 * xsprobe's scripts spell them. */
#ifndef VMSTORED_MSGTYPE_H
#define VMSTORED_MSGTYPE_H

#include <stdint.h>

/* The name of a message type, or NULL for a number with no type. */
const char *xs_msg_type_name(uint32_t type);

#endif
