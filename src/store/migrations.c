/*
 * The schema of the metadata store, as numbered migrations; see migrations.h.
 *
 * The DDL is the subset that SQLite and PostgreSQL read alike (see
 * docs/internals/store.md): BIGINT for integers (64-bit in both; SQLite gives
 * it the same INTEGER affinity), DOUBLE PRECISION for reals, TEXT, and
 * identifiers that are reserved in one of them ("user") quoted. The two
 * places where the backends differ are words the driver supplies:
 * {serial_key}, an auto-assigned integer primary key (SQLite's rowid), and
 * {table_options}, after a table keyed by its primary key (SQLite's
 * WITHOUT ROWID). For SQLite, the DDL expands to the text these migrations
 * had when they shipped, bar the spelling of the type names.
 */
#include "store/migrations.h"

static const struct cairn__migration migrations[] = {
	{ 1, "workspace and object index",
	  "CREATE TABLE meta ("
	  "  key TEXT PRIMARY KEY,"
	  "  value TEXT NOT NULL"
	  "){table_options};"
	  "CREATE TABLE objects ("
	  "  hash TEXT PRIMARY KEY,"
	  "  size BIGINT NOT NULL,"
	  "  created_ms BIGINT NOT NULL"
	  "){table_options};"
	  "CREATE INDEX objects_by_size ON objects(size);" },
	{ 2, "datasets, lineage and the stat cache",
	  "CREATE TABLE datasets ("
	  "  name TEXT PRIMARY KEY,"
	  "  description TEXT NOT NULL DEFAULT '',"
	  "  created_ms BIGINT NOT NULL"
	  "){table_options};"
	  "CREATE TABLE dataset_versions ("
	  "  id TEXT PRIMARY KEY,"
	  "  name TEXT NOT NULL REFERENCES datasets(name),"
	  "  version BIGINT NOT NULL,"
	  "  hash TEXT NOT NULL,"
	  "  kind TEXT NOT NULL,"
	  "  format TEXT,"
	  "  size BIGINT NOT NULL,"
	  "  files BIGINT NOT NULL DEFAULT 1,"
	  "  rows BIGINT,"
	  "  cols BIGINT,"
	  "  schema TEXT,"
	  "  profile TEXT,"
	  "  source TEXT NOT NULL,"
	  "  source_kind TEXT NOT NULL,"
	  "  params TEXT NOT NULL DEFAULT '{}',"
	  "  description TEXT NOT NULL DEFAULT '',"
	  "  created_ms BIGINT NOT NULL,"
	  "  created_by TEXT NOT NULL,"
	  "  UNIQUE (name, version)"
	  "){table_options};"
	  "CREATE INDEX dataset_versions_by_hash ON dataset_versions(hash);"
	  "CREATE TABLE dataset_tags ("
	  "  version_id TEXT NOT NULL REFERENCES dataset_versions(id),"
	  "  key TEXT NOT NULL,"
	  "  value TEXT NOT NULL,"
	  "  PRIMARY KEY (version_id, key)"
	  "){table_options};"
	  "CREATE TABLE lineage ("
	  "  src_type TEXT NOT NULL,"
	  "  src_id TEXT NOT NULL,"
	  "  relation TEXT NOT NULL,"
	  "  dst_type TEXT NOT NULL,"
	  "  dst_id TEXT NOT NULL,"
	  "  created_ms BIGINT NOT NULL,"
	  "  PRIMARY KEY (src_type, src_id, relation, dst_type, dst_id)"
	  "){table_options};"
	  "CREATE INDEX lineage_by_dst ON lineage(dst_type, dst_id);"
	  "CREATE TABLE stat_cache ("
	  "  path TEXT PRIMARY KEY,"
	  "  dev BIGINT NOT NULL,"
	  "  ino BIGINT NOT NULL,"
	  "  size BIGINT NOT NULL,"
	  "  mtime_ns BIGINT NOT NULL,"
	  "  hash TEXT NOT NULL"
	  "){table_options};" },
	{ 3, "experiments and tracked runs",
	  "CREATE TABLE experiments ("
	  "  id TEXT PRIMARY KEY,"
	  "  name TEXT NOT NULL UNIQUE,"
	  "  created_ms BIGINT NOT NULL"
	  "){table_options};"
	  "CREATE TABLE runs ("
	  "  seq {serial_key},"
	  "  id TEXT NOT NULL UNIQUE,"
	  "  experiment_id TEXT NOT NULL REFERENCES experiments(id),"
	  "  name TEXT NOT NULL,"
	  "  status TEXT NOT NULL,"
	  "  start_ms BIGINT NOT NULL,"
	  "  end_ms BIGINT,"
	  "  \"user\" TEXT NOT NULL,"
	  "  host TEXT NOT NULL,"
	  "  owner_pid BIGINT,"
	  "  owner_identity TEXT,"
	  "  parent_id TEXT,"
	  "  note TEXT NOT NULL DEFAULT '',"
	  "  message TEXT NOT NULL DEFAULT '',"
	  "  info TEXT NOT NULL DEFAULT '{}'"
	  ");"
	  "CREATE INDEX runs_by_experiment ON runs(experiment_id, start_ms);"
	  "CREATE INDEX runs_by_start ON runs(start_ms);"
	  "CREATE INDEX runs_running ON runs(status) WHERE status = 'RUNNING';"
	  "CREATE INDEX runs_by_parent ON runs(parent_id) WHERE parent_id IS NOT NULL;"
	  "CREATE TABLE run_params ("
	  "  run BIGINT NOT NULL REFERENCES runs(seq),"
	  "  key TEXT NOT NULL,"
	  "  value TEXT NOT NULL,"
	  "  PRIMARY KEY (run, key)"
	  "){table_options};"
	  "CREATE TABLE run_tags ("
	  "  run BIGINT NOT NULL REFERENCES runs(seq),"
	  "  key TEXT NOT NULL,"
	  "  value TEXT NOT NULL,"
	  "  PRIMARY KEY (run, key)"
	  "){table_options};"
	  "CREATE TABLE run_metrics ("
	  "  run BIGINT NOT NULL,"
	  "  key TEXT NOT NULL,"
	  "  step BIGINT NOT NULL,"
	  "  timestamp_ms BIGINT NOT NULL,"
	  "  value DOUBLE PRECISION"
	  ");"
	  "CREATE INDEX run_metrics_by_key ON run_metrics(run, key, step);"
	  "CREATE TABLE run_latest_metrics ("
	  "  run BIGINT NOT NULL REFERENCES runs(seq),"
	  "  key TEXT NOT NULL,"
	  "  value DOUBLE PRECISION,"
	  "  step BIGINT NOT NULL,"
	  "  timestamp_ms BIGINT NOT NULL,"
	  "  PRIMARY KEY (run, key)"
	  "){table_options};"
	  "CREATE INDEX run_latest_metrics_by_value ON run_latest_metrics(key, value);"
	  "CREATE TABLE run_inputs ("
	  "  run BIGINT NOT NULL REFERENCES runs(seq),"
	  "  version_id TEXT NOT NULL REFERENCES dataset_versions(id),"
	  "  context TEXT NOT NULL,"
	  "  PRIMARY KEY (run, version_id, context)"
	  "){table_options};"
	  "CREATE TABLE run_artifacts ("
	  "  run BIGINT NOT NULL REFERENCES runs(seq),"
	  "  path TEXT NOT NULL,"
	  "  hash TEXT NOT NULL,"
	  "  size BIGINT NOT NULL,"
	  "  created_ms BIGINT NOT NULL,"
	  "  PRIMARY KEY (run, path)"
	  "){table_options};"
	  "CREATE INDEX run_artifacts_by_hash ON run_artifacts(hash);" },
	{ 4, "search indexes over run params and tags",
	  "CREATE INDEX run_params_by_value ON run_params(key, value);"
	  "CREATE INDEX run_tags_by_value ON run_tags(key, value);" },
	{ 5, "the stat cache compares the inode change time",
	  "ALTER TABLE stat_cache ADD COLUMN ctime_ns BIGINT NOT NULL DEFAULT 0;" },
};

const struct cairn__migration *cairn__migrations(int *n)
{
	*n = (int)(sizeof(migrations) / sizeof(migrations[0]));
	return migrations;
}
