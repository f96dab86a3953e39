/*
 * Stopping a long operation from the keyboard or by kill: the program's
 * handlers for SIGINT, SIGTERM and SIGHUP fill one struct cairn_cancel that
 * the library reads through the context (cairn_ctx_set_cancel); cairn serve
 * makes SIGHUP a request to reload its models instead. The library itself
 * installs no handler.
 */
#include <signal.h>
#include <string.h>
#include "cli/signals.h"

static struct cairn_cancel cancel;
static volatile sig_atomic_t reloads;
static int hup_ignored;
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

static void on_stop_signal(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	if (!cancel.sig)
		cancel.sig = sig;
	cancel.requested++;
	/* A terminal signals its whole foreground process group (si_code
	 * SI_KERNEL), so the operation's child processes have it already; a
	 * kill() by another process (si_code <= 0) reached only us. */
	if (si->si_code <= 0)
		cancel.forward = sig;
}

void cli_cancel_on_signals(cairn_ctx *ctx)
{
	static int installed;

	if (!installed) {
		struct sigaction sa, old;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_stop_signal;
		/* Not SA_RESTART: a wait in poll() or read() returns EINTR at
		 * once, so the operation sees the request without delay. */
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		for (size_t i = 0; i < NSTOP; i++) {
			sigaction(stop_signals[i], NULL, &old);
			/* A signal ignored when we started (nohup, a background
			 * job) stays ignored. */
			if (old.sa_handler != SIG_IGN)
				sigaction(stop_signals[i], &sa, NULL);
			else if (stop_signals[i] == SIGHUP)
				hup_ignored = 1;
		}
		installed = 1;
	}
	cairn_ctx_set_cancel(ctx, &cancel);
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reloads++;
}

const volatile sig_atomic_t *cli_reload_on_sighup(void)
{
	struct sigaction sa;

	if (!hup_ignored) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_reload_signal;
		sa.sa_flags = SA_RESTART;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGHUP, &sa, NULL);
	}
	return &reloads;
}

struct cairn_cancel *cli_cancel_flag(void)
{
	return &cancel;
}

int cli_cancel_signal(void)
{
	return cancel.sig;
}
