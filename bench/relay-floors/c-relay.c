/* Floor of a native relay: two threads, blocking read(2)/write(2), nothing observed. Built by
 * `npm run bench:relay -- --floors` with the system's cc (bench/relay.ts); not part of the product. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

struct pump { int from, to; };

static void *copy(void *arg) {
  struct pump *p = arg;
  char buf[65536];
  ssize_t n;
  while ((n = read(p->from, buf, sizeof buf)) > 0)
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(p->to, buf + done, n - done);
      if (w <= 0) return 0;
      done += w;
    }
  close(p->to);
  return 0;
}

int main(int argc, char **argv) {
  int in[2], out[2];
  if (argc < 2 || pipe(in) || pipe(out)) return 2;
  pid_t child = fork();
  if (child == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  struct pump up = { 0, in[1] }, down = { out[0], 1 };
  pthread_t t1, t2;
  pthread_create(&t1, 0, copy, &up);
  pthread_create(&t2, 0, copy, &down);
  int status;
  waitpid(child, &status, 0);
  pthread_join(t2, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
