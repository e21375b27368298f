/*
 * A test guest's checks: one console line each, in the form the e2e
 * suites read ("NAME: ok: WHAT" or "NAME: FAIL: WHAT"), and a count of
 * those that failed for the guest's closing line and shutdown reason.
 */
#include "minios.h"

unsigned int failures;

void expect(int ok, const char *what)
{
	con_printf("%s: %s: %s\n", guest_name, ok ? "ok" : "FAIL", what);
	failures += !ok;
}
