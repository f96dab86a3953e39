/* The code version of a run through the git command-line program: commit,
 * branch, remote, dirty state and the diff from HEAD (untracked files
 * included); see codever-internal.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/redact.h"
#include "track/codever-internal.h"
#include "track/exec-internal.h"

const char *cairn__git_first_line(cairn_buf *err)
{
	char *nl;

	cairn_buf_rtrim(err);
	if ((nl = strchr(err->buf, '\n')))
		cairn_buf_setlen(err, (size_t)(nl - err->buf));
	if (!err->len)
		cairn_buf_adds(err, "git failed without a message");
	return err->buf;
}

static int git_run(const char *dir, const char *const *args, char *const *base_env,
		   char *const *env_extra, int in_fd, int out_fd, cairn_buf *out, cairn_buf *err)
{
	static const char *const fixed[] = { "LC_ALL=C", "LANGUAGE=", "GIT_TERMINAL_PROMPT=0" };
	const char *argv[64];
	const char *extra[16];
	size_t n = 0, m = 0;
	char **env;
	int rc;

	argv[n++] = "git";
	argv[n++] = "-C";
	argv[n++] = dir;
	/* The user's hooks and prefix settings must not change what we read. */
	argv[n++] = "-c";
	argv[n++] = "core.hooksPath=/dev/null";
	for (size_t i = 0; args[i] && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	for (size_t i = 0; i < 3; i++)
		extra[m++] = fixed[i];
	for (size_t i = 0; env_extra && env_extra[i] && m < 15; i++)
		extra[m++] = env_extra[i];
	extra[m] = NULL;
	env = cairn__env_merge(base_env, (char *const *)extra);
	rc = cairn__run_capture((char *const *)argv, env, in_fd, out_fd, out, err);
	cairn__env_free(env);
	return rc;
}

int cairn__git(const char *dir, const char *const *args, char *const *env,
	       char *const *env_extra, int out_fd, cairn_buf *out, cairn_buf *err)
{
	return git_run(dir, args, env, env_extra, -1, out_fd, out, err);
}

/* Removes one trailing newline (or slash) from git's output. */
static void chomp(cairn_buf *b, char c)
{
	if (b->len && b->buf[b->len - 1] == c)
		cairn_buf_setlen(b, b->len - 1);
}

/* Runs a git command whose one-line answer goes to out: 1 when it said
 * something, 0 when it failed or said nothing. */
static int git_line(const char *dir, char *const *base, const char *const *args, cairn_buf *out)
{
	cairn_buf_reset(out);
	if (cairn__git(dir, args, base, NULL, -1, out, NULL) != 0)
		return 0;
	chomp(out, '\n');
	return out->len > 0;
}

static int copy_file(const char *src, const char *dst)
{
	char chunk[65536];
	int in, outfd, rc = 0;
	ssize_t n;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((outfd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return -1;
	}
	while ((n = cairn_read_full(in, chunk, sizeof(chunk))) > 0)
		if (cairn_write_full(outfd, chunk, (size_t)n)) {
			rc = -1;
			break;
		}
	if (n < 0 || close(outfd))
		rc = -1;
	close(in);
	return rc;
}

/*
 * The untracked files to record: those that are not ignored, not under
 * exclude and not larger than CAIRN_CODEVER_UNTRACKED_MAX (added to
 * skipped instead), as a NUL-separated list in keep.
 */
static void untracked_files(const char *top, char *const *base, const char *exclude_spec,
			   cairn_buf *keep, json_t *skipped)
{
	const char *args[] = { "ls-files", "-z", "--others", "--exclude-standard", "--",
			       exclude_spec, NULL };
	cairn_buf list = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT;
	struct stat st;

	if (cairn__git(top, args, base, NULL, -1, &list, NULL) != 0)
		goto out;
	for (size_t i = 0; i < list.len; i += strlen(list.buf + i) + 1) {
		const char *f = list.buf + i;
		size_t len = strlen(f);
		/* A nested repository is listed as a directory: not ours. */
		if (!len || f[len - 1] == '/')
			continue;
		cairn_path_join(&path, top, f);
		if (!lstat(path.buf, &st) && S_ISREG(st.st_mode) &&
		    st.st_size > CAIRN_CODEVER_UNTRACKED_MAX) {
			json_array_append_new(skipped, json_string(f));
			continue;
		}
		cairn_buf_add(keep, f, len + 1);
	}
out:
	cairn_buf_release(&list);
	cairn_buf_release(&path);
}

/*
 * Writes the difference between HEAD and the work tree to diff_fd, with
 * the untracked files as new files: they are marked intent-to-add in a copy
 * of the index (beside it, as `git stash` does), so that `git diff HEAD`
 * shows them while the real index stays untouched. Returns 0, or -1 when
 * the diff could not be made (a warning says why).
 */
static int write_diff(cairn_ctx *ctx, const char *top, char *const *base, const char *index,
		      const char *exclude_spec, int diff_fd, json_t *skipped)
{
	const char *add[] = { "add", "--intent-to-add", "--pathspec-from-file=-",
			      "--pathspec-file-nul", NULL };
	const char *read_tree[] = { "read-tree", "HEAD", NULL };
	const char *diff[] = { "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
			       "-c", "diff.relative=false", "diff", "HEAD", "--binary", "--no-color",
			       "--no-ext-diff", "--no-textconv", "--ignore-submodules=dirty", "--",
			       exclude_spec, NULL };
	cairn_buf tmp_index = CAIRN_BUF_INIT, env_entry = CAIRN_BUF_INIT, keep = CAIRN_BUF_INIT;
	cairn_buf err = CAIRN_BUF_INIT;
	char *env[2] = { NULL, NULL };
	int rc = -1, st, listfd = -1;

	cairn_buf_addf(&tmp_index, "%s.cairn-%d", index, (int)getpid());
	cairn_buf_addf(&env_entry, "GIT_INDEX_FILE=%s", tmp_index.buf);
	env[0] = env_entry.buf;
	unlink(tmp_index.buf);
	if (copy_file(index, tmp_index.buf)) {
		if (errno != ENOENT ||
		    cairn__git(top, read_tree, base, env, -1, NULL, &err) != 0) {
			cairn__log_warn(ctx, "cannot copy the index of '%s' to record its changes: %s", top,
				       err.len ? cairn__git_first_line(&err) : strerror(errno));
			goto out;
		}
	}
	untracked_files(top, base, exclude_spec, &keep, skipped);
	if (keep.len) {
		if ((listfd = memfd_create("cairn-untracked", MFD_CLOEXEC)) < 0 ||
		    cairn_write_full(listfd, keep.buf, keep.len) || lseek(listfd, 0, SEEK_SET)) {
			cairn__log_warn(ctx, "cannot list the untracked files of '%s': %s", top,
				       strerror(errno));
			goto out;
		}
		cairn_buf_reset(&err);
		if ((st = git_run(top, add, base, env, listfd, -1, NULL, &err)) != 0) {
			cairn__log_warn(ctx, "cannot record the untracked files of '%s': %s", top,
				       st < 0 ? strerror(errno) : cairn__git_first_line(&err));
			goto out;
		}
	}
	cairn_buf_reset(&err);
	if ((st = cairn__git(top, diff, base, env, diff_fd, NULL, &err)) != 0) {
		cairn__log_warn(ctx, "cannot record the changes of '%s': %s", top,
			       st < 0 ? strerror(errno) : cairn__git_first_line(&err));
		goto out;
	}
	rc = 0;
out:
	if (listfd >= 0)
		close(listfd);
	unlink(tmp_index.buf);
	cairn_buf_release(&tmp_index);
	cairn_buf_release(&env_entry);
	cairn_buf_release(&keep);
	cairn_buf_release(&err);
	return rc;
}

/* Sets spec to a pathspec that leaves out exclude when it lies inside top
 * (else to one that leaves out nothing). */
static void exclude_pathspec(const char *top, const char *exclude, cairn_buf *spec)
{
	char *real_top = realpath(top, NULL), *real_ex = exclude ? realpath(exclude, NULL) : NULL;
	size_t n = real_top ? strlen(real_top) : 0;

	cairn_buf_reset(spec);
	if (real_top && real_ex && !strncmp(real_ex, real_top, n) && real_ex[n] == '/')
		cairn_buf_addf(spec, ":(top,exclude)%s", real_ex + n + 1);
	else
		cairn_buf_adds(spec, ":(top)");
	free(real_top);
	free(real_ex);
}

int cairn__codever_capture(cairn_ctx *ctx, const char *dir, const char *exclude,
			   char *const *env, int diff_fd, json_t **out)
{
	const char *where[] = { "rev-parse", "--show-toplevel", "--show-prefix", "--git-path",
				"index", NULL };
	const char *head[] = { "rev-parse", "-q", "--verify", "HEAD^{commit}", NULL };
	const char *branch_args[] = { "symbolic-ref", "-q", "--short", "HEAD", NULL };
	const char *remote_args[] = { "config", "--get", "remote.origin.url", NULL };
	cairn_buf o = CAIRN_BUF_INIT, err = CAIRN_BUF_INIT, line = CAIRN_BUF_INIT;
	cairn_buf index = CAIRN_BUF_INIT, spec = CAIRN_BUF_INIT;
	char *top = NULL, *prefix = NULL;
	json_t *code = NULL, *skipped = json_array();
	struct stat before, after;
	int st, dirty = 0;

	(void)ctx;
	*out = NULL;
	st = cairn__git(dir, where, env, NULL, -1, &o, &err);
	if (st < 0) {
		cairn__log_warn(ctx, "cannot run git (%s): the run records no code version",
			       errno == ENOENT ? "not installed" : strerror(errno));
		goto out;
	}
	if (st != 0) {
		if (!strstr(err.buf, "not a git repository"))
			cairn__log_warn(ctx, "cannot read the code version of '%s': %s", dir,
				       cairn__git_first_line(&err));
		goto out;
	}
	{
		char *l1, *l2, *l3;
		/* --show-prefix prints an empty line at the top: split by hand. */
		l1 = o.buf;
		l2 = strchr(l1, '\n');
		if (!l2)
			goto out;
		*l2++ = '\0';
		l3 = strchr(l2, '\n');
		if (!l3)
			goto out;
		*l3++ = '\0';
		l3[strcspn(l3, "\n")] = '\0';
		top = cairn_xstrdup(l1);
		prefix = cairn_xstrdup(l2);
		if (*prefix && prefix[strlen(prefix) - 1] == '/')
			prefix[strlen(prefix) - 1] = '\0';
		cairn_path_join(&index, dir, l3);
	}
	code = json_object();
	json_object_set_new(code, "repository", json_string(top));
	json_object_set_new(code, "path", json_string(prefix));
	json_object_set_new(code, "commit", git_line(dir, env, head, &line) ? json_string(line.buf) :
			    json_null());
	json_object_set_new(code, "branch", git_line(dir, env, branch_args, &line) ?
			    json_string(line.buf) : json_null());
	if (git_line(dir, env, remote_args, &line)) {
		cairn_buf url = CAIRN_BUF_INIT;
		cairn__redact_credentials(line.buf, &url);
		json_object_set_new(code, "remote", json_string(url.buf));
		cairn_buf_release(&url);
	} else {
		json_object_set_new(code, "remote", json_null());
	}
	if (json_is_null(json_object_get(code, "commit"))) {
		cairn__log_warn(ctx, "the repository '%s' has no commit yet: the run records no code version",
			       top);
		json_object_set_new(code, "dirty", json_null());
		goto done;
	}
	exclude_pathspec(top, exclude, &spec);
	if (fstat(diff_fd, &before))
		before.st_size = 0;
	if (write_diff(ctx, top, env, index.buf, spec.buf, diff_fd, skipped)) {
		/* Changed or not, nobody can tell: say changed, with no diff. */
		dirty = 1;
	} else {
		if (fstat(diff_fd, &after))
			after.st_size = before.st_size;
		dirty = after.st_size > before.st_size || json_array_size(skipped) > 0;
	}
	json_object_set_new(code, "dirty", json_boolean(dirty));
	if (json_array_size(skipped)) {
		cairn__log_warn(ctx, "%zu untracked file%s larger than %d KiB left out of the run's code"
			       " diff (e.g. '%s')", json_array_size(skipped),
			       json_array_size(skipped) == 1 ? "" : "s",
			       CAIRN_CODEVER_UNTRACKED_MAX / 1024,
			       json_string_value(json_array_get(skipped, 0)));
		json_object_set(code, "untracked_skipped", skipped);
	}
done:
	*out = code;
	code = NULL;
out:
	json_decref(code);
	json_decref(skipped);
	free(top);
	free(prefix);
	cairn_buf_release(&o);
	cairn_buf_release(&err);
	cairn_buf_release(&line);
	cairn_buf_release(&index);
	cairn_buf_release(&spec);
	return 0;
}
