/* privdrop.c: become an unprivileged user, keeping at most CAP_NET_RAW (libcap-ng). */
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <cap-ng.h>

#include "privdrop.h"

/* Drop privileges as documented in privdrop.h. */
int
privdrop(const char *user, enum privdrop_keep keep, struct tp_err *err)
{
	struct passwd *pw;
	const char *name = user != NULL ? user : PRIVDROP_DEFAULT_USER;

	capng_clear(CAPNG_SELECT_BOTH);
	if (keep == PRIVDROP_KEEP_NET_RAW &&
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_RAW) < 0)
		return tp_err_set(err, "cannot keep CAP_NET_RAW (libcap-ng failed)");
	if (geteuid() != 0) {
		if (keep == PRIVDROP_KEEP_NONE &&
		    capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE &&
		    capng_apply(CAPNG_SELECT_CAPS) < 0)
			return tp_err_set(err, "cannot drop capabilities (libcap-ng failed)");
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(name)) == NULL)
		return tp_err_set(err, "running as root, and there is no user \"%s\" to drop "
		    "to: create it (adduser --system %s) or give --user NAME or probe_user "
		    "in tp.conf", name, name);
	if (pw->pw_uid == 0)
		return tp_err_set(err, "--user %s: that is root; name an unprivileged user",
		    name);
	if (capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
	    CAPNG_INIT_SUPP_GRP | CAPNG_CLEAR_BOUNDING) < 0)
		return tp_err_set(err, "cannot become user %s: %s", name,
		    errno != 0 ? strerror(errno) : "libcap-ng failed");
	if (setuid(0) == 0)
		return tp_err_set(err, "user %s: root could be regained; refusing to go on",
		    name);
	return 0;
}
