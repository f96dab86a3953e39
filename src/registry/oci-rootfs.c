/*
 * The root filesystem of an OCI image: a program and every shared object
 * it needs, found by reading the ELF files' dynamic sections (DT_NEEDED,
 * DT_RUNPATH, PT_INTERP) and searching as the loader does; written as one
 * layer tar. See oci.h.
 *
 * The library path the loader finds an object at is where it goes in the
 * image, under its soname (a symbolic link on the host is copied as the
 * file it names), so that the image's loader, with no ld.so.cache, finds
 * it in its built-in directories.
 */
#include <elf.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "core/log.h"
#include "registry/oci.h"

/* Bounds on what is read of an ELF file. */
#define MAX_PHDRS 256
#define MAX_DYN 65536
#define MAX_STRTAB (16 << 20)

struct elf_info {
	int machine;
	char *interp;         /* PT_INTERP, or NULL */
	char **needed;        /* DT_NEEDED */
	size_t nneeded;
	char *runpath;        /* DT_RUNPATH, else DT_RPATH, or NULL */
};

static void elf_release(struct elf_info *e)
{
	free(e->interp);
	for (size_t i = 0; i < e->nneeded; i++)
		free(e->needed[i]);
	free(e->needed);
	free(e->runpath);
	memset(e, 0, sizeof(*e));
}

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

/* The file offset of a virtual address, through the PT_LOAD segments. */
static int vaddr_offset(const Elf64_Phdr *ph, size_t n, uint64_t v, uint64_t *off)
{
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && v >= ph[i].p_vaddr &&
		    v - ph[i].p_vaddr < ph[i].p_filesz) {
			*off = ph[i].p_offset + (v - ph[i].p_vaddr);
			return 0;
		}
	return -1;
}

static int elf_read(cairn_ctx *ctx, const char *path, struct elf_info *e)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL;
	Elf64_Dyn *dyn = NULL;
	char *strtab = NULL;
	uint64_t strtab_v = 0, strsz = 0, off, runpath = UINT64_MAX, dyn_off = 0, dyn_size = 0;
	size_t ndyn = 0;
	int fd, rc = 0, have_dyn = 0;

	memset(e, 0, sizeof(*e));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	if (read_at(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > MAX_PHDRS) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' is not a 64-bit little-endian ELF file",
				 path);
		goto out;
	}
	e->machine = eh.e_machine;
	ph = cairn_xcalloc(eh.e_phnum + 1, sizeof(*ph));
	if (read_at(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff))
		goto bad;
	for (size_t i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP && ph[i].p_filesz > 1 && ph[i].p_filesz < 4096) {
			e->interp = cairn_xcalloc(ph[i].p_filesz + 1, 1);
			if (read_at(fd, e->interp, ph[i].p_filesz, ph[i].p_offset))
				goto bad;
		} else if (ph[i].p_type == PT_DYNAMIC) {
			have_dyn = 1;
			dyn_off = ph[i].p_offset;
			dyn_size = ph[i].p_filesz;
		}
	}
	if (!have_dyn)
		goto out; /* static: needs nothing */
	ndyn = (size_t)(dyn_size / sizeof(Elf64_Dyn));
	if (ndyn > MAX_DYN)
		goto bad;
	dyn = cairn_xcalloc(ndyn + 1, sizeof(*dyn));
	if (read_at(fd, dyn, ndyn * sizeof(*dyn), dyn_off))
		goto bad;
	for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag == DT_STRTAB)
			strtab_v = dyn[i].d_un.d_ptr;
		else if (dyn[i].d_tag == DT_STRSZ)
			strsz = dyn[i].d_un.d_val;
		else if (dyn[i].d_tag == DT_RUNPATH ||
			 (dyn[i].d_tag == DT_RPATH && runpath == UINT64_MAX))
			runpath = dyn[i].d_un.d_val;
	}
	if (!strsz || strsz > MAX_STRTAB || vaddr_offset(ph, eh.e_phnum, strtab_v, &off))
		goto bad;
	strtab = cairn_xcalloc(strsz + 1, 1);
	if (read_at(fd, strtab, strsz, off))
		goto bad;
	e->needed = cairn_xcalloc(ndyn + 1, sizeof(*e->needed));
	for (size_t i = 0; i < ndyn && dyn[i].d_tag != DT_NULL; i++) {
		if (dyn[i].d_tag != DT_NEEDED)
			continue;
		if (dyn[i].d_un.d_val >= strsz)
			goto bad;
		e->needed[e->nneeded++] = cairn_xstrdup(strtab + dyn[i].d_un.d_val);
	}
	if (runpath != UINT64_MAX) {
		if (runpath >= strsz)
			goto bad;
		e->runpath = cairn_xstrdup(strtab + runpath);
	}
	goto out;
bad:
	rc = cairn_error(ctx, CAIRN_EINVAL, "cannot read the ELF headers of '%s'", path);
out:
	if (rc)
		elf_release(e);
	free(ph);
	free(dyn);
	free(strtab);
	close(fd);
	return rc;
}

/* The loader's built-in directories for the machine (Debian's multiarch). */
static const char *const *default_dirs(int machine)
{
	static const char *const x86_64[] = {
		"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
		"/lib", "/usr/lib", NULL
	};
	static const char *const aarch64[] = {
		"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib", NULL
	};

	return machine == EM_AARCH64 ? aarch64 : x86_64;
}

/* 1 when path is a regular file, an ELF file for machine. */
static int usable(const char *path, int machine)
{
	Elf64_Ehdr eh;
	struct stat st;
	int fd, ok;

	if (stat(path, &st) || !S_ISREG(st.st_mode) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	ok = !read_at(fd, &eh, sizeof(eh), 0) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	     eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_machine == machine;
	close(fd);
	return ok;
}

/* Finds soname as the loader would for an object at origin with runpath:
 * into found; 1 when found. */
static int find_library(const char *soname, const char *origin, const char *runpath,
			int machine, cairn_buf *found)
{
	const char *const *dirs = default_dirs(machine);
	cairn_buf dir = CAIRN_BUF_INIT;
	int ok = 0;

	cairn_buf_reset(found);
	if (strchr(soname, '/')) {
		cairn_buf_adds(found, soname);
		return usable(soname, machine);
	}
	for (const char *s = runpath; s && *s && !ok;) {
		size_t n = strcspn(s, ":");
		cairn_buf_reset(&dir);
		if (!strncmp(s, "$ORIGIN", 7) || !strncmp(s, "${ORIGIN}", 9)) {
			size_t skip = s[1] == '{' ? 9 : 7;
			cairn_buf_adds(&dir, origin);
			cairn_buf_add(&dir, s + skip, n - skip);
		} else {
			cairn_buf_add(&dir, s, n);
		}
		cairn_buf_reset(found);
		cairn_buf_addf(found, "%s/%s", dir.buf, soname);
		ok = dir.len && usable(found->buf, machine);
		s += n + (s[n] == ':');
	}
	for (size_t i = 0; !ok && dirs[i]; i++) {
		cairn_buf_reset(found);
		cairn_buf_addf(found, "%s/%s", dirs[i], soname);
		ok = usable(found->buf, machine);
	}
	cairn_buf_release(&dir);
	return ok;
}

static struct cairn__rootfs_file *add(struct cairn__rootfs *fs, const char *path, mode_t mode)
{
	struct cairn__rootfs_file *f;

	while (*path == '/')
		path++;
	if (fs->n == fs->alloc) {
		fs->alloc = fs->alloc ? 2 * fs->alloc : 32;
		fs->files = cairn_xrealloc(fs->files, fs->alloc * sizeof(*fs->files));
	}
	f = &fs->files[fs->n++];
	f->path = cairn_xstrdup(path);
	f->src = NULL;
	cairn_buf_init(&f->data);
	f->mode = mode;
	return f;
}

static int has(const struct cairn__rootfs *fs, const char *path)
{
	while (*path == '/')
		path++;
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->files[i].path, path))
			return 1;
	return 0;
}

void cairn__rootfs_add_file(struct cairn__rootfs *fs, const char *path, const char *src,
			    mode_t mode)
{
	add(fs, path, mode)->src = cairn_xstrdup(src);
}

void cairn__rootfs_add_data(struct cairn__rootfs *fs, const char *path, const char *data,
			    mode_t mode)
{
	cairn_buf_adds(&add(fs, path, mode)->data, data);
}

/* Adds the object at host (image path the same) and, depth first, what it
 * needs. */
static int add_object(cairn_ctx *ctx, struct cairn__rootfs *fs, const char *host,
		      const char *image, int machine)
{
	struct elf_info e;
	cairn_buf origin = CAIRN_BUF_INIT, found = CAIRN_BUF_INIT;
	const char *slash = strrchr(host, '/');
	int rc;

	if (has(fs, image))
		return 0;
	if ((rc = elf_read(ctx, host, &e)))
		return rc;
	cairn__rootfs_add_file(fs, image, host, 0755);
	fs->libraries++;
	cairn_buf_add(&origin, host, slash ? (size_t)(slash - host) : 0);
	if (e.interp && !has(fs, e.interp)) {
		if (!usable(e.interp, machine)) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "cannot find the loader '%s' that '%s'"
					 " needs", e.interp, host);
			goto out;
		}
		cairn__rootfs_add_file(fs, e.interp, e.interp, 0755);
		fs->libraries++;
	}
	for (size_t i = 0; i < e.nneeded; i++) {
		if (!find_library(e.needed[i], origin.buf, e.runpath, machine, &found)) {
			rc = cairn_error(ctx, CAIRN_ENOTFOUND, "cannot find the shared library '%s'"
					 " that '%s' needs", e.needed[i], host);
			goto out;
		}
		if ((rc = add_object(ctx, fs, found.buf, found.buf, machine)))
			goto out;
	}
out:
	elf_release(&e);
	cairn_buf_release(&origin);
	cairn_buf_release(&found);
	return rc;
}

int cairn__rootfs_add_program(cairn_ctx *ctx, struct cairn__rootfs *fs, const char *exe,
			      const char *path, const char *const *optional)
{
	cairn_buf found = CAIRN_BUF_INIT;
	struct elf_info e;
	int rc;

	if ((rc = elf_read(ctx, exe, &e)))
		return rc;
	if (e.machine == EM_X86_64) {
		fs->arch = "amd64";
	} else if (e.machine == EM_AARCH64) {
		fs->arch = "arm64";
	} else {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' is for ELF machine %d: an image is built"
				 " for x86-64 or AArch64", exe, e.machine);
		goto out;
	}
	/* The program itself is not a library: counted back out. */
	if ((rc = add_object(ctx, fs, exe, path, e.machine)))
		goto out;
	fs->libraries--;
	for (size_t i = 0; optional && optional[i]; i++) {
		if (!find_library(optional[i], "", NULL, e.machine, &found)) {
			cairn__log_warn(ctx, "'%s' is not installed: the image is built without it",
					optional[i]);
			continue;
		}
		if ((rc = add_object(ctx, fs, found.buf, found.buf, e.machine)))
			goto out;
	}
out:
	elf_release(&e);
	cairn_buf_release(&found);
	return rc;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct cairn__rootfs_file *)a)->path,
		      ((const struct cairn__rootfs_file *)b)->path);
}

/* 1 when dir (with its trailing '/') was written already. */
static int seen_dir(json_t *dirs, const char *dir)
{
	return json_object_get(dirs, dir) != NULL;
}

int cairn__rootfs_write(cairn_ctx *ctx, struct cairn__rootfs *fs, struct cairn__tar *t)
{
	json_t *dirs = json_object();
	cairn_buf d = CAIRN_BUF_INIT;
	int rc = 0;

	qsort(fs->files, fs->n, sizeof(*fs->files), by_path);
	if ((rc = cairn__tar_add_dir(t, "tmp", 01777)))
		goto out;
	for (size_t i = 0; i < fs->n && !rc; i++) {
		struct cairn__rootfs_file *f = &fs->files[i];
		/* its parents, outermost first */
		for (const char *s = f->path; (s = strchr(s, '/')) && !rc; s++) {
			cairn_buf_reset(&d);
			cairn_buf_add(&d, f->path, (size_t)(s - f->path));
			if (seen_dir(dirs, d.buf))
				continue;
			json_object_set_new(dirs, d.buf, json_true());
			rc = cairn__tar_add_dir(t, d.buf, 0755);
		}
		if (rc)
			break;
		rc = f->src ? cairn__tar_add_file(t, f->path, f->src, f->mode, NULL)
			    : cairn__tar_add_data(t, f->path, f->data.buf, f->data.len, f->mode);
	}
out:
	json_decref(dirs);
	cairn_buf_release(&d);
	return rc;
}

void cairn__rootfs_release(struct cairn__rootfs *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->files[i].path);
		free(fs->files[i].src);
		cairn_buf_release(&fs->files[i].data);
	}
	free(fs->files);
	memset(fs, 0, sizeof(*fs));
}
