/*
 * The numbered schema migrations of the metadata store. Each is applied once,
 * in order, inside the transaction that opens an older database; a migration
 * is never edited after it has shipped, only followed by a new one.
 */
#ifndef CAIRN_STORE_MIGRATIONS_H
#define CAIRN_STORE_MIGRATIONS_H

struct cairn__migration {
	int version;
	const char *name;
	const char *sql;
};

/* The migrations in ascending version order; *n receives their count. */
const struct cairn__migration *cairn__migrations(int *n);

#endif
