/*
 * Symbolic links met while storing a directory tree (cairn data add DIR,
 * cairn log artifact DIR): does a link stay inside the tree? A link that
 * leads out of it (to a private key, to /etc) must not be stored by
 * following it, unless the caller asked to follow links.
 */
#ifndef CAIRN_CORE_SYMLINK_H
#define CAIRN_CORE_SYMLINK_H

#include "cairn/buf.h"
#include "cairn/ctx.h"

/*
 * The symbolic link at root/rel, where root is an absolute path without
 * symbolic links (realpath()) and no directory of rel is a link: target
 * receives its text (readlink(); an absolute one that stays inside is
 * rewritten relative to the link's directory), and *inside is 1 when it
 * leads to root or
 * below, both as written (the text resolved against the link's directory
 * without following anything) and as the file system resolves it (when the
 * link resolves: a chain of links that leaves root is outside). A dangling
 * link is judged by its text. 0, or an error when the link cannot be read.
 */
int cairn_symlink_inside(cairn_ctx *ctx, const char *root, const char *rel, cairn_buf *target,
			 int *inside);

/* 1 when path is root or below it (both absolute and normalized). */
int cairn_path_within(const char *path, const char *root);

#endif
