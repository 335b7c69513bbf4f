/* testsrv.c: start tests/testserver.py for the unit runner. */
#include "testsrv.h"

#include "t.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t srv_pid;
static char url[64], log_path[512];

static void stop(void)
{
	if (srv_pid > 0) {
		kill(srv_pid, SIGTERM);
		waitpid(srv_pid, NULL, 0);
		srv_pid = 0;
	}
}

const char *t_server_url(void)
{
	char port_file[512];
	const char *dir;

	if (url[0])
		return url;
	dir = t_tmpdir();
	snprintf(port_file, sizeof(port_file), "%s/port", dir);
	snprintf(log_path, sizeof(log_path), "%s/requests.jsonl", dir);
	srv_pid = fork();
	if (srv_pid == 0) {
		execlp("python3", "python3", "tests/testserver.py", "--port-file", port_file, "--log",
		       log_path, (char *)NULL);
		_exit(127);
	}
	if (srv_pid < 0) {
		t_fail(__FILE__, __LINE__, "fork failed");
		return NULL;
	}
	atexit(stop);
	for (int i = 0; i < 1000; i++) {
		struct timespec ts = {0, 10 * 1000000L};
		char *s = t_read_file(port_file, NULL);

		if (s) {
			snprintf(url, sizeof(url), "http://127.0.0.1:%d", atoi(s));
			free(s);
			return url;
		}
		if (waitpid(srv_pid, NULL, WNOHANG) == srv_pid)
			break;
		nanosleep(&ts, NULL);
	}
	t_fail(__FILE__, __LINE__, "tests/testserver.py did not start (is python3 there?)");
	srv_pid = 0;
	return NULL;
}

const char *t_server_log(void)
{
	return log_path;
}

int t_closed_port(void)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return 9; /* discard: nothing listens there either */
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}
