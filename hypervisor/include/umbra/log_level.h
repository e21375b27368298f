/* Console log levels, ordered by verbosity, as Xen's loglvl= names them.
 * A message is printed when its level <= the console threshold; every
 * message is kept in the log ring whatever the threshold. */
#ifndef UMBRA_LOG_LEVEL_H
#define UMBRA_LOG_LEVEL_H

enum log_level {
	LOG_NONE = 0,	/* threshold only: print nothing */
	LOG_ERROR,
	LOG_WARNING,
	LOG_INFO,
	LOG_DEBUG,
	LOG_ALL,	/* threshold only: print everything */
};

#endif
