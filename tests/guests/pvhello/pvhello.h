/* pvhello's parts (pvhello.c; time.c: the time records of shared_info). */
#ifndef PVHELLO_H
#define PVHELLO_H

#include <public/xen.h>

void check_time(const struct start_info *si);

#endif
