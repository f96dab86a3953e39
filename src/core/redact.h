/*
 * Credentials out of URLs and connection strings, before they are recorded
 * (a version's source, lineage, run params, code versions) or put in a
 * message. The credentials still serve the connection itself: callers pass
 * the original to libcurl, libpq or git and keep only the redacted text.
 */
#ifndef CAIRN_CORE_REDACT_H
#define CAIRN_CORE_REDACT_H

#include "cairn/buf.h"

/*
 * Appends s to out without its credentials: the user information of a URL
 * ("https://user:pass@host/x" gives "https://host/x"), password and
 * sslpassword parameters of a URL's query ("postgresql://h/db?password=p"),
 * and password and sslpassword pairs of a libpq key-value connection string
 * ("host=h password='p q' dbname=d" gives "host=h dbname=d"). Anything else
 * ("git@host:o/r.git", a file name) is appended unchanged.
 */
void cairn__redact_credentials(const char *s, cairn_buf *out);

#endif
