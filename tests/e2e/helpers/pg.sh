# A PostgreSQL server for an end-to-end script, listening on 127.0.0.1 only
# (sourced after lib.sh). pg_start [INITDB_OPTION...] starts one as the
# postgres user, with its own directory and a free port (pg_dir, pg_port);
# it returns 1, starting nothing, where there are no server binaries or we
# are not root. pg_stop ends it and removes its directory (call it from the
# script's EXIT trap).
pg_start() {
	pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$pg_bin" ] || ! id postgres >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
		return 1
	fi
	pg_dir=$(mktemp -d /tmp/cairn-pg-XXXXXX)
	chown postgres "$pg_dir"
	pg_port=$(test_free_port)
	runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U cairn "$@" >"$pg_dir/initdb.log" 2>&1 &&
	runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 \
		-o "-k $pg_dir -p $pg_port -c listen_addresses=127.0.0.1" start >/dev/null 2>&1
	return 0
}

pg_stop() {
	[ -n "${pg_dir:-}" ] && runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
	[ -n "${pg_dir:-}" ] && rm -rf "$pg_dir"
}
