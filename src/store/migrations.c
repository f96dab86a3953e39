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
	{ 2, "datasets, lineage and the stat cache",
	  "CREATE TABLE datasets ("
	  "  name TEXT PRIMARY KEY,"
	  "  description TEXT NOT NULL DEFAULT '',"
	  "  created_ms INTEGER NOT NULL"
	  ") WITHOUT ROWID;"
	  "CREATE TABLE dataset_versions ("
	  "  id TEXT PRIMARY KEY,"
	  "  name TEXT NOT NULL REFERENCES datasets(name),"
	  "  version INTEGER NOT NULL,"
	  "  hash TEXT NOT NULL,"
	  "  kind TEXT NOT NULL,"
	  "  format TEXT,"
	  "  size INTEGER NOT NULL,"
	  "  files INTEGER NOT NULL DEFAULT 1,"
	  "  rows INTEGER,"
	  "  cols INTEGER,"
	  "  schema TEXT,"
	  "  profile TEXT,"
	  "  source TEXT NOT NULL,"
	  "  source_kind TEXT NOT NULL,"
	  "  params TEXT NOT NULL DEFAULT '{}',"
	  "  description TEXT NOT NULL DEFAULT '',"
	  "  created_ms INTEGER NOT NULL,"
	  "  created_by TEXT NOT NULL,"
	  "  UNIQUE (name, version)"
	  ") WITHOUT ROWID;"
	  "CREATE INDEX dataset_versions_by_hash ON dataset_versions(hash);"
	  "CREATE TABLE dataset_tags ("
	  "  version_id TEXT NOT NULL REFERENCES dataset_versions(id),"
	  "  key TEXT NOT NULL,"
	  "  value TEXT NOT NULL,"
	  "  PRIMARY KEY (version_id, key)"
	  ") WITHOUT ROWID;"
	  "CREATE TABLE lineage ("
	  "  src_type TEXT NOT NULL,"
	  "  src_id TEXT NOT NULL,"
	  "  relation TEXT NOT NULL,"
	  "  dst_type TEXT NOT NULL,"
	  "  dst_id TEXT NOT NULL,"
	  "  created_ms INTEGER NOT NULL,"
	  "  PRIMARY KEY (src_type, src_id, relation, dst_type, dst_id)"
	  ") WITHOUT ROWID;"
	  "CREATE INDEX lineage_by_dst ON lineage(dst_type, dst_id);"
	  "CREATE TABLE stat_cache ("
	  "  path TEXT PRIMARY KEY,"
	  "  dev INTEGER NOT NULL,"
	  "  ino INTEGER NOT NULL,"
	  "  size INTEGER NOT NULL,"
	  "  mtime_ns INTEGER NOT NULL,"
	  "  hash TEXT NOT NULL"
	  ") WITHOUT ROWID;" },
};

const struct cairn_migration *cairn__migrations(int *n)
{
	*n = (int)(sizeof(migrations) / sizeof(migrations[0]));
	return migrations;
}
