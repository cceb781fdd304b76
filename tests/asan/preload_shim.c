/*
 * Preloaded after the AddressSanitizer runtime by `scripts/test.sh asan`.
 *
 * With libasan preloaded into an uninstrumented postgres (or psql), the
 * runtime initializes lazily, from the first malloc, which happens in the
 * constructor of libgpg-error while it holds glibc's gettext lock
 * (bindtextdomain).  During that initialization the runtime looks up an
 * optional symbol, swift_demangle; the failed dlsym formats an error
 * message through gettext, which takes and releases the same lock, leaving
 * it corrupted, and the next bindtextdomain (postgres' own, in main) waits
 * forever.  Defining the symbol makes the lookup succeed: no error message,
 * no deadlock.  It is only called to demangle Swift names, which a
 * PostgreSQL backend does not have; returning NULL means "not demangled".
 */
#include <stddef.h>
#include <stdint.h>

char	   *swift_demangle(const char *mangled, size_t len, char *out,
						   size_t *outlen, uint32_t flags);

char *
swift_demangle(const char *mangled, size_t len, char *out, size_t *outlen,
			   uint32_t flags)
{
	return NULL;
}
