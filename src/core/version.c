/* The library version, fixed at build time from the VERSION file. */
#include "cairn/version.h"

#ifndef CAIRN_VERSION
#define CAIRN_VERSION "unknown"
#endif

const char *cairn_version(void)
{
	return CAIRN_VERSION;
}
