/*
 * The terminal: entering and leaving curses, restoring the terminal on
 * every way out (normal exit, error, SIGINT/SIGTERM/SIGHUP), and asking
 * a serial terminal its size.
 */
#ifndef VMTOP_TERM_H
#define VMTOP_TERM_H

#include <signal.h>
#include <stdbool.h>

/* The signal that asked vmtop to stop (0: none). Set by the handler
 * only; the main loop sees it within one input timeout and leaves
 * through vmtop_term_stop(), never from the handler. */
extern volatile sig_atomic_t vmtop_stop_signal;

/* Catch SIGINT, SIGTERM and SIGHUP (before initscr, so that curses keeps
 * its hands off them). */
void vmtop_term_signals(void);

/* initscr and friends; colour if the terminal has it (and want_colour).
 * Returns false, with the terminal untouched, if it cannot be used. */
bool vmtop_term_start(bool want_colour);

/* Whether colour pairs were set up. */
bool vmtop_term_colour(void);

/* Leave curses (idempotent; also registered with atexit). */
void vmtop_term_stop(void);

/*
 * A serial line has no size of its own (the kernel reports 0x0): ask
 * the terminal at the other end (cursor position report after moving
 * to the far corner) and set the tty's size, which raises SIGWINCH.
 * only_if_unknown: do nothing when the tty already has a size. Call
 * outside curses mode. Returns true when a size was set.
 */
bool vmtop_term_query_size(bool only_if_unknown);

#endif
