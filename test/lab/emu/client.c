/*
 * TEST DOUBLE — the thin client of the pulumi-openbsd lab's resident OpenBSD emulator (test/lab/emu/server.ts).
 * This is Linux, not OpenBSD. `emuc NAME ARGS...`, or `NAME ARGS...` through a link named NAME to it (what
 * /sbin/ifconfig etc. are in a gateway: no shell starts before the command), hands its arguments,
 * environment, working directory and, when the command asks for it, standard input to the gateway's emulator over
 * the unix socket $EMU_SOCK (default /run/emud.sock), writes what it sends back to stdout and stderr, and exits
 * with the command's status. SIGINT and SIGTERM are forwarded: a command that catches them (a daemon run with -d)
 * finishes; otherwise the server answers "die of it" and this process does. Protocol: see server.ts.
 * Built by the lab with the host's C compiler (test/lab/resident.ts).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;
static int sigpipe_fds[2];

static void die(const char *what) {
  fprintf(stderr, "emu: resident emulator: %s: %s\n", what, strerror(errno));
  exit(125);
}

static void write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (fd == 1 || fd == 2) return; /* our stdout went away: keep consuming the command's output */
      die("write");
    }
    c += w;
    n -= (size_t)w;
  }
}

static void send_frame(int s, char type, const void *p, uint32_t n) {
  unsigned char h[5];
  h[0] = (unsigned char)type;
  h[1] = n >> 24; h[2] = n >> 16; h[3] = n >> 8; h[4] = n;
  write_all(s, h, 5);
  if (n) write_all(s, p, n);
}

/* the header (arguments, environment, cwd, tty, end): built here and sent in one write, so the emulator reads it
   in one go instead of a frame at a time (a dozen environment variables: two dozen writes otherwise) */
static unsigned char *hdr;
static size_t hdr_len, hdr_cap;

static void add_frame(char type, const void *p, uint32_t n) {
  if (hdr_len + 5 + n > hdr_cap) {
    size_t cap = hdr_cap ? hdr_cap : 4096;
    while (cap < hdr_len + 5 + n) cap *= 2;
    unsigned char *h = realloc(hdr, cap);
    if (!h) die("realloc");
    hdr = h;
    hdr_cap = cap;
  }
  unsigned char *q = hdr + hdr_len;
  q[0] = (unsigned char)type;
  q[1] = n >> 24; q[2] = n >> 16; q[3] = n >> 8; q[4] = n;
  if (n) memcpy(q + 5, p, n);
  hdr_len += 5 + n;
}

static void on_signal(int sig) {
  unsigned char b = (unsigned char)sig;
  int e = errno;
  (void)!write(sigpipe_fds[1], &b, 1);
  errno = e;
}

/* what `strings` shows of a gateway's /sbin/ifconfig */
const char banner[] __attribute__((used)) = "TEST DOUBLE: an OpenBSD command emulated by the pulumi-openbsd lab (test/lab/emu); this is Linux, not OpenBSD.";

int main(int argc, char **argv) {
  /* through a link named after the command: argv[0]'s last component is the command's name */
  const char *base = strrchr(argv[0], '/');
  base = base ? base + 1 : argv[0];
  const int linked = strcmp(base, "emuc") != 0;
  if (!linked && argc < 2) { fprintf(stderr, "usage: emuc NAME [ARG ...]\n"); return 2; }
  const char *name = linked ? base : argv[1];
  const char *path = getenv("EMU_SOCK");
  if (!path || !*path) path = "/run/emud.sock";
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) die("socket");
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
    fprintf(stderr, "emu: %s: resident emulator not running (%s): %s\n", name, path, strerror(errno));
    return 125;
  }
  if (pipe(sigpipe_fds) < 0) die("pipe");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  add_frame('A', name, (uint32_t)strlen(name));
  for (int i = linked ? 1 : 2; i < argc; i++) add_frame('A', argv[i], (uint32_t)strlen(argv[i]));
  for (char **e = environ; *e; e++) add_frame('E', *e, (uint32_t)strlen(*e));
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) add_frame('C', cwd, (uint32_t)strlen(cwd));
  if (isatty(0)) add_frame('T', NULL, 0);
  add_frame('G', NULL, 0);
  write_all(s, hdr, hdr_len);

  static unsigned char buf[65536 + 5];
  size_t have = 0;
  int want_stdin = 0;
  for (;;) {
    struct pollfd p[3];
    int n = 0;
    p[n].fd = s; p[n].events = POLLIN; n++;
    p[n].fd = sigpipe_fds[0]; p[n].events = POLLIN; n++;
    if (want_stdin) { p[n].fd = 0; p[n].events = POLLIN; n++; }
    if (poll(p, (nfds_t)n, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (p[1].revents & POLLIN) {
      unsigned char sig;
      if (read(sigpipe_fds[0], &sig, 1) == 1) send_frame(s, 'S', &sig, 1);
    }
    if (want_stdin && p[2].revents) {
      unsigned char in[65536];
      ssize_t r = read(0, in, sizeof in);
      if (r > 0) send_frame(s, 'I', in, (uint32_t)r);
      else if (r == 0 || errno != EINTR) { send_frame(s, 'Z', NULL, 0); want_stdin = 0; }
    }
    if (p[0].revents) {
      ssize_t r = read(s, buf + have, sizeof buf - have);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        fprintf(stderr, "emu: %s: the resident emulator closed the connection\n", argv[1]);
        return 125;
      }
      have += (size_t)r;
      for (;;) {
        if (have < 5) break;
        uint32_t len = ((uint32_t)buf[1] << 24) | ((uint32_t)buf[2] << 16) | ((uint32_t)buf[3] << 8) | buf[4];
        if (len > sizeof buf - 5) { errno = EMSGSIZE; die("frame"); }
        if (have < 5 + len) break;
        unsigned char *q = buf + 5;
        switch (buf[0]) {
          case 'O': write_all(1, q, len); break;
          case 'R': write_all(2, q, len); break;
          case 'W': want_stdin = 1; break;
          case 'X': {
            int32_t code = (int32_t)(((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3]);
            return code & 0xff;
          }
          case 'K': {
            int sig = q[0];
            signal(sig, SIG_DFL);
            raise(sig);
            return 128 + sig;
          }
          default: errno = EPROTO; die("frame");
        }
        memmove(buf, buf + 5 + len, have - 5 - len);
        have -= 5 + len;
      }
    }
  }
}
