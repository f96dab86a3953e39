/* Child processes that do not outlive cairn; see src/core/child.h. */
#include <sys/prctl.h>
#include <unistd.h>
#include "core/child.h"

void cairn__die_with_parent(pid_t parent, int sig)
{
	prctl(PR_SET_PDEATHSIG, sig);
	/* The parent may have died between fork() and prctl(): the signal
	 * would then never come. */
	if (getppid() != parent)
		_exit(1);
}
