/*
 * spinner.c: a spinner on the terminal (stderr) while a model engine
 * works, so the user sees within 100 ms that something is happening. A
 * thread draws it, because the work it waits for (loading, prefill) runs
 * on the main thread without returning. The first frame is drawn before
 * spinner_start returns; spinner_stop clears the line, after which the
 * caller may draw there (the live text of the answer).
 */
#include "caro.h"

#include <pthread.h>
#include <time.h>

struct spinner {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	char label[64];
	double t0;
	int frame;
	bool utf8;
};

static void draw(struct spinner *s)
{
	static const char *const braille[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
	static const char *const ascii[] = {"|", "/", "-", "\\"};
	double secs = (now_ms() - s->t0) / 1e3;
	const char *f = s->utf8 ? braille[s->frame % 10] : ascii[s->frame % 4];

	s->frame++;
	if (secs >= 1)
		fprintf(stderr, "\r\033[K%s %s %.0fs", f, s->label, secs);
	else
		fprintf(stderr, "\r\033[K%s %s", f, s->label);
	fflush(stderr);
}

static void *run(void *arg)
{
	struct spinner *s = arg;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 80 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
		if (!s->stop)
			draw(s);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

struct spinner *spinner_start(const struct app *app, const char *label)
{
	struct spinner *s;
	const char *lang = getenv("LC_ALL");

	if (!app->tty_err || app->json)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	snprintf(s->label, sizeof(s->label), "%s", label);
	s->t0 = now_ms();
	if (!lang || !*lang)
		lang = getenv("LC_CTYPE");
	if (!lang || !*lang)
		lang = getenv("LANG");
	s->utf8 = lang && (strstr(lang, "UTF-8") || strstr(lang, "utf8") || strstr(lang, "UTF8"));
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	draw(s);
	if (pthread_create(&s->thread, NULL, run, s) != 0) {
		fputs("\r\033[K", stderr);
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
		free(s);
		return NULL;
	}
	return s;
}

void spinner_stop(struct spinner *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	fputs("\r\033[K", stderr);
	fflush(stderr);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
