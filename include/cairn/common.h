/*
 * What every public header of libcairn shares: the pair of macros that opens
 * and closes its declarations. Between them, declarations have C linkage
 * when the header is read by a C++ compiler, and default visibility, so that
 * libcairn.so (built with -fvisibility=hidden) exports exactly the functions
 * declared under include/cairn/ and nothing internal.
 */
#ifndef CAIRN_COMMON_H
#define CAIRN_COMMON_H

#ifdef __cplusplus
#define CAIRN_EXTERN_C_BEGIN extern "C" {
#define CAIRN_EXTERN_C_END }
#else
#define CAIRN_EXTERN_C_BEGIN
#define CAIRN_EXTERN_C_END
#endif

#if defined(__GNUC__) && !defined(CAIRN_STATIC_ONLY)
#define CAIRN_VISIBILITY_BEGIN _Pragma("GCC visibility push(default)")
#define CAIRN_VISIBILITY_END _Pragma("GCC visibility pop")
#else
#define CAIRN_VISIBILITY_BEGIN
#define CAIRN_VISIBILITY_END
#endif

#define CAIRN_BEGIN_DECLS CAIRN_EXTERN_C_BEGIN CAIRN_VISIBILITY_BEGIN
#define CAIRN_END_DECLS CAIRN_VISIBILITY_END CAIRN_EXTERN_C_END

/* For the functions that write a file at a caller's path (flags): replace a
 * file that exists. Without it they fail with CAIRN_EEXIST. Whatever the
 * flags, they refuse a destination that is not a regular file (a symbolic
 * link included, but for a checkout's link into the store) and one inside
 * the workspace's .cairn; docs/outputs.md. */
#define CAIRN_OUTPUT_FORCE 1u

#endif
