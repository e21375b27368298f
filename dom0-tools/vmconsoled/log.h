/* vmconsoled's own messages: a line each, with the time, to stderr
 * (its log file when it runs as a daemon). */
#ifndef VMCONSOLED_LOG_H
#define VMCONSOLED_LOG_H

void cons_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
