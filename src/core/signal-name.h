/*
 * Names of signals for messages: "SIGTERM", or "signal 42" for one without
 * an abbreviation. Locale-free, unlike strsignal(3).
 */
#ifndef CAIRN_CORE_SIGNAL_NAME_H
#define CAIRN_CORE_SIGNAL_NAME_H

#define CAIRN__SIGNAL_NAME_MAX 16

/* Writes the name of sig to out and returns out. */
const char *cairn__signal_name(int sig, char out[CAIRN__SIGNAL_NAME_MAX]);

#endif
