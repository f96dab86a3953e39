/* Error codes: their descriptions and the CLI exit status of each. */
#include "cairn/error.h"

static const struct {
	const char *text;
	int exit_status;
} errors[CAIRN_ERR_COUNT] = {
	[CAIRN_OK] = { "success", 0 },
	[CAIRN_EINVAL] = { "invalid argument", 2 },
	[CAIRN_ENOWORKSPACE] = { "not in a cairn workspace", 3 },
	[CAIRN_ENOTFOUND] = { "not found", 4 },
	[CAIRN_EAMBIGUOUS] = { "ambiguous reference", 4 },
	[CAIRN_EEXIST] = { "already exists", 1 },
	[CAIRN_EPARSE] = { "invalid input data", 5 },
	[CAIRN_EIO] = { "input/output error", 1 },
	[CAIRN_EDB] = { "metadata store error", 1 },
	[CAIRN_ECORRUPT] = { "stored data is corrupt", 6 },
	[CAIRN_ENOMEM] = { "out of memory", 1 },
	[CAIRN_EINTERRUPTED] = { "interrupted", 130 },
	[CAIRN_EINTERNAL] = { "internal error", 1 },
};

const char *cairn_strerror(int code)
{
	if (code < 0 || code >= CAIRN_ERR_COUNT || !errors[code].text)
		return "unknown error";
	return errors[code].text;
}

int cairn_exit_status(int code)
{
	if (code < 0 || code >= CAIRN_ERR_COUNT)
		return 1;
	return errors[code].exit_status;
}
