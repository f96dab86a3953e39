/* Signal names for messages; see src/core/signal-name.h. */
#include <stdio.h>
#include <string.h>
#include "core/signal-name.h"

const char *cairn__signal_name(int sig, char out[CAIRN__SIGNAL_NAME_MAX])
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(out, CAIRN__SIGNAL_NAME_MAX, "SIG%s", abbrev);
	else
		snprintf(out, CAIRN__SIGNAL_NAME_MAX, "signal %d", sig);
	return out;
}
