/* Whether a symbolic link met while storing a tree stays inside it; see
 * src/core/symlink.h. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "core/symlink.h"

int cairn_path_within(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (n == 1 && root[0] == '/')
		return path[0] == '/';
	return !strncmp(path, root, n) && (path[n] == '\0' || path[n] == '/');
}

/* Appends the components of p to out (an absolute path without its trailing
 * slash: "" is the root), resolving "." and ".." lexically. */
static void push_components(cairn_buf *out, const char *p)
{
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(out->buf, '/');
			cairn_buf_setlen(out, slash && slash != out->buf ? (size_t)(slash - out->buf) : 0);
		} else if (n && !(n == 1 && p[0] == '.')) {
			cairn_buf_addch(out, '/');
			cairn_buf_add(out, p, n);
		}
		p += n;
		while (*p == '/')
			p++;
	}
}

int cairn_symlink_inside(cairn_ctx *ctx, const char *root, const char *rel, cairn_buf *target,
			 int *inside)
{
	cairn_buf path = CAIRN_BUF_INIT, lexical = CAIRN_BUF_INIT;
	char text[PATH_MAX], *real;
	const char *slash;
	ssize_t n;
	int rc = 0;

	*inside = 0;
	cairn_path_join(&path, root, rel);
	n = readlink(path.buf, text, sizeof(text) - 1);
	if (n < 0) {
		rc = cairn_error_errno(ctx, "cannot read the symbolic link '%s'", path.buf);
		goto out;
	}
	text[n] = '\0';
	cairn_buf_reset(target);
	cairn_buf_adds(target, text);
	if (text[0] != '/') {
		/* Relative to the link's directory (path always holds a slash:
		 * root is absolute). */
		slash = strrchr(path.buf, '/');
		cairn_buf_setlen(&path, (size_t)(slash - path.buf));
		push_components(&lexical, path.buf);
	}
	push_components(&lexical, text);
	if (!lexical.len)
		cairn_buf_addch(&lexical, '/');
	*inside = cairn_path_within(lexical.buf, root);
	if (*inside && text[0] == '/') {
		/* Rewritten relative to the link's directory, so that the tree
		 * keeps working wherever it is checked out. */
		const char *below = lexical.buf + strlen(root);
		cairn_buf_reset(target);
		for (const char *s = rel; (s = strchr(s, '/')); s++)
			cairn_buf_adds(target, "../");
		if (*below)
			cairn_buf_adds(target, below + 1);
		else if (!target->len)
			cairn_buf_addch(target, '.');
		else
			cairn_buf_setlen(target, target->len - 1);
	}
	cairn_path_join(&path, root, rel);
	if (*inside && (real = realpath(path.buf, NULL))) {
		*inside = cairn_path_within(real, root);
		free(real);
	}
out:
	cairn_buf_release(&path);
	cairn_buf_release(&lexical);
	return rc;
}
