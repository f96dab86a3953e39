/*
 * The environment a run ran in, for its info "environment": operating
 * system, kernel, CPU, memory, cairn's build (version, compiler, C library,
 * linked libraries) and an allowlist of environment variables. Only
 * variables named in the allowlist are ever recorded, so secrets in the
 * environment (tokens, passwords, keys) never reach the metadata store.
 */
#ifndef CAIRN_TRACK_SYSINFO_INTERNAL_H
#define CAIRN_TRACK_SYSINFO_INTERNAL_H

#include <jansson.h>

/* The environment object (new reference; NULL only when out of memory):
 * {os, kernel, cpu, memory_kb, cairn, env}, env holding the allowlisted
 * variables of env ("NAME=VALUE" entries, NULL terminated; may be NULL). */
json_t *cairn__sysinfo_environment(char *const *env);

/* The os-release file at path as {id, name, version_id, pretty_name} (keys
 * present when set), or JSON null when it cannot be read. */
json_t *cairn__sysinfo_os_release(const char *path);

/* 1 when the environment variable name is one cairn records. */
int cairn__sysinfo_env_recorded(const char *name);

#endif
