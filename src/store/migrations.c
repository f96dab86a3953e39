/* The schema of the metadata store, as numbered migrations; see migrations.h. */
#include "store/migrations.h"

static const struct cairn_migration migrations[] = {
	{ 1, "workspace and object index",
	  "CREATE TABLE meta ("
	  "  key TEXT PRIMARY KEY,"
	  "  value TEXT NOT NULL"
	  ") WITHOUT ROWID;"
	  "CREATE TABLE objects ("
	  "  hash TEXT PRIMARY KEY,"
	  "  size INTEGER NOT NULL,"
	  "  created_ms INTEGER NOT NULL"
	  ") WITHOUT ROWID;"
	  "CREATE INDEX objects_by_size ON objects(size);" },
};

const struct cairn_migration *cairn__migrations(int *n)
{
	*n = (int)(sizeof(migrations) / sizeof(migrations[0]));
	return migrations;
}
