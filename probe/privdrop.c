/* privdrop.c: drop to a named user, or keep only CAP_NET_RAW with libcap-ng. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cap-ng.h>

#include "privdrop.h"

/* Become user: its groups, its gid, then its uid (in that order). */
static int
become_user(const char *user, struct tp_err *err)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (pw == NULL)
		return tp_err_set(err, "--user %s: no such user", user);
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return tp_err_set(err, "--user %s: cannot switch: %s", user, strerror(errno));
	if (setuid(0) == 0)
		return tp_err_set(err, "--user %s: root could be regained; refusing to go on",
		    user);
	return 0;
}

/* Drop privileges as documented in privdrop.h. */
int
privdrop(const char *user, struct tp_err *err)
{
	if (geteuid() != 0)
		return 0;
	if (user != NULL)
		return become_user(user, err);
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_RAW) < 0 ||
	    capng_apply(CAPNG_SELECT_BOTH) < 0)
		return tp_err_set(err, "cannot drop capabilities (libcap-ng failed)");
	return 0;
}
