/*
 * clip.h: putting text on the user's clipboard.
 *
 * Two ways, tried by the caller in this order: a clipboard program that
 * fits this session (pbcopy; wl-copy under Wayland; xclip or xsel under
 * X11), or the terminal itself through OSC 52, which also works over ssh
 * in terminals that allow it. The programs are rows of a table.
 */
#ifndef CARO_CLIP_H
#define CARO_CLIP_H

#include "buf.h"
#include "common.h"
#include "err.h"

struct clip_tool {
	const char *name;         /* program looked up on PATH */
	const char *env;          /* variable that must be set (a display), or NULL */
	const char *const *argv;  /* argv to run, NULL-terminated */
};

/* The first clipboard program usable here: on $PATH, and its display
 * variable set and not empty. NULL when there is none. */
const struct clip_tool *clip_find_tool(void);

/* Run t with text (len bytes) on its stdin, its output discarded. Returns 0
 * when it exited with status 0; -1 with ERR_IO when it could not start or
 * failed, ERR_TIMEOUT when it took over timeout_ms (it is then killed). */
int clip_run(const struct clip_tool *t, const char *text, size_t len, int timeout_ms,
	     struct err *err);

/* Append to out the OSC 52 sequence asking the terminal to set its
 * clipboard to text: ESC ] 52 ; c ; base64(text) BEL. */
void clip_osc52(const char *text, size_t len, struct buf *out);

#endif
