/* The environment a run ran in: OS, kernel, CPU, memory, cairn's build and
 * an allowlist of environment variables; see sysinfo-internal.h. */
#include <gnu/libc-version.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <yaml.h>
#include "cairn/buf.h"
#include "cairn/version.h"
#include "track/exec-internal.h"
#include "track/sysinfo-internal.h"

/*
 * Variables that change what a program computes or where it finds its code
 * and libraries, and never hold credentials. Anything else, however
 * harmless it looks, is left out: an allowlist cannot leak a secret that a
 * denylist forgot.
 */
static const char *const recorded_env[] = {
	"PATH", "LD_LIBRARY_PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_NUMERIC",
	"LC_COLLATE", "TZ", "SHELL", "TMPDIR",
	"PYTHONPATH", "PYTHONHASHSEED", "PYTHONUNBUFFERED", "PYTHONNOUSERSITE",
	"PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV", "CONDA_DEFAULT_ENV", "CONDA_PREFIX",
	"R_HOME", "R_LIBS", "R_LIBS_USER", "JAVA_HOME",
	"CUDA_VISIBLE_DEVICES", "CUDA_HOME", "NVIDIA_VISIBLE_DEVICES", "CUBLAS_WORKSPACE_CONFIG",
	"OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
	"VECLIB_MAXIMUM_THREADS", "TF_DETERMINISTIC_OPS", "TF_CPP_MIN_LOG_LEVEL",
	"SLURM_JOB_ID", "SLURM_JOB_NAME", "SLURM_NTASKS", "SLURM_CPUS_PER_TASK",
};

int cairn__sysinfo_env_recorded(const char *name)
{
	for (size_t i = 0; i < sizeof(recorded_env) / sizeof(recorded_env[0]); i++)
		if (!strcmp(name, recorded_env[i]))
			return 1;
	return 0;
}

/* A shell-style value of os-release: unquoted, with backslash escapes. */
static void unquote(const char *s, cairn_buf *out)
{
	char q = 0;

	cairn_buf_reset(out);
	if (*s == '"' || *s == '\'')
		q = *s++;
	for (; *s && *s != q; s++) {
		if (*s == '\\' && q == '"' && s[1])
			s++;
		cairn_buf_addch(out, *s);
	}
	cairn_buf_rtrim(out);
}

json_t *cairn__sysinfo_os_release(const char *path)
{
	static const struct { const char *var, *key; } keys[] = {
		{ "ID", "id" }, { "NAME", "name" }, { "VERSION_ID", "version_id" },
		{ "PRETTY_NAME", "pretty_name" },
	};
	cairn_buf value = CAIRN_BUF_INIT;
	char line[1024];
	json_t *o;
	FILE *f;

	if (!(f = fopen(path, "r")))
		return json_null();
	o = json_object();
	while (fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		line[strcspn(line, "\n")] = '\0';
		eq[1 + strcspn(eq + 1, "\n")] = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(line, keys[i].var)) {
				unquote(eq + 1, &value);
				json_object_set_new(o, keys[i].key, json_string(value.buf));
			}
	}
	fclose(f);
	cairn_buf_release(&value);
	return o;
}

/* The CPU's model name from /proc/cpuinfo ("model name" on x86, "Model" or
 * "Hardware" on some ARM boards), or JSON null. */
static json_t *cpu_model(void)
{
	static const char *const fields[] = { "model name", "Model", "Hardware", "cpu model" };
	cairn_buf value = CAIRN_BUF_INIT;
	json_t *model = NULL;
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return json_null();
	while (!model && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		size_t n;
		if (!colon)
			continue;
		n = (size_t)(colon - line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strlen(fields[i]) == n && !strncmp(line, fields[i], n)) {
				cairn_buf_reset(&value);
				cairn_buf_adds(&value, colon + 1 + strspn(colon + 1, " \t"));
				cairn_buf_rtrim(&value);
				model = json_string(value.buf);
				break;
			}
	}
	fclose(f);
	cairn_buf_release(&value);
	return model ? model : json_null();
}

static json_t *cpu_info(void)
{
	cpu_set_t set;
	json_t *o = json_object();

	json_object_set_new(o, "model", cpu_model());
	json_object_set_new(o, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	/* What this process may use (a container's cpuset, taskset). */
	if (!sched_getaffinity(0, sizeof(set), &set))
		json_object_set_new(o, "cores_usable", json_integer(CPU_COUNT(&set)));
	return o;
}

static json_t *kernel_info(void)
{
	struct utsname u;

	if (uname(&u))
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s}", "sysname", u.sysname, "release", u.release,
			 "version", u.version, "machine", u.machine);
}

static json_t *build_info(void)
{
	cairn_buf compiler = CAIRN_BUF_INIT;
	json_t *o;

#if defined(__clang__)
	cairn_buf_addf(&compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
	cairn_buf_addf(&compiler, "gcc %s", __VERSION__);
#else
	cairn_buf_adds(&compiler, "unknown");
#endif
	cairn_buf_rtrim(&compiler);
	o = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s}}",
		      "version", cairn_version(), "compiler", compiler.buf,
		      "libc", gnu_get_libc_version(),
		      "libraries", "sqlite", cairn_sqlite_version(),
		      "openssl", OpenSSL_version(OPENSSL_VERSION),
		      "jansson", JANSSON_VERSION, "libyaml", yaml_get_version_string());
	cairn_buf_release(&compiler);
	return o;
}

/* The allowlisted variables of env, in the allowlist's order. */
static json_t *recorded_variables(char *const *env)
{
	json_t *o = json_object();

	for (size_t i = 0; i < sizeof(recorded_env) / sizeof(recorded_env[0]); i++) {
		const char *v = cairn__env_get(env, recorded_env[i]);
		if (v)
			json_object_set_new(o, recorded_env[i], json_string(v));
	}
	return o;
}

json_t *cairn__sysinfo_environment(char *const *env)
{
	struct sysinfo si;
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "os", cairn__sysinfo_os_release("/etc/os-release"));
	json_object_set_new(o, "kernel", kernel_info());
	json_object_set_new(o, "cpu", cpu_info());
	json_object_set_new(o, "memory_kb", sysinfo(&si) ? json_null() :
			    json_integer((json_int_t)((unsigned long long)si.totalram * si.mem_unit / 1024)));
	json_object_set_new(o, "cairn", build_info());
	json_object_set_new(o, "env", recorded_variables(env));
	return o;
}
