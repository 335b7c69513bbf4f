/*
 * remote_rawclient.c: the least a client can do for one HTTP request, as
 * the baseline for bench/remote_bench.sh: connect to 127.0.0.1:PORT, POST
 * the body in FILE to PATH, read the reply to the end. No parsing, no
 * libraries. A process running this takes the server's own time plus a
 * process start and a loopback connection; what caro takes beyond that is
 * its overhead. Like caro, it stops at the end of the reply (the last
 * chunk of a chunked body) rather than waiting for the server to close.
 *
 *   remote_rawclient PORT PATH BODYFILE
 *
 * Exits 0 when the reply starts with "HTTP/1.1 200".
 */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in a = {0};
	char head[512], buf[65536], first[16] = "", tail[8] = "";
	size_t got = 0;
	long body_len;
	char *body;
	FILE *f;
	ssize_t n;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: remote_rawclient PORT PATH BODYFILE\n");
		return 2;
	}
	f = fopen(argv[3], "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (body_len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return 2;
	body = xmalloc((size_t)body_len + 1);
	if (fread(body, 1, (size_t)body_len, f) != (size_t)body_len)
		return 2;
	fclose(f);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		return 1;
	snprintf(head, sizeof(head),
		 "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/json\r\n"
		 "Content-Length: %ld\r\nConnection: close\r\n\r\n", argv[2], argv[1], body_len);
	if (write(fd, head, strlen(head)) < 0 || write(fd, body, (size_t)body_len) < 0)
		return 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (got < sizeof(first) - 1)
			memcpy(first + got, buf, MIN((size_t)n, sizeof(first) - 1 - got));
		got += (size_t)n;
		if (n >= 5) {
			memcpy(tail, buf + n - 5, 5);
			if (memcmp(tail, "0\r\n\r\n", 5) == 0)
				break;
		}
	}
	close(fd);
	free(body);
	return strncmp(first, "HTTP/1.1 200", 12) == 0 ? 0 : 1;
}
