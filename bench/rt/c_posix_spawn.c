/* The plain-C baseline of the subprocess benchmark: run /bin/true 1000
 * times, one after the other, with posix_spawn and waitpid; print how many
 * exited with status 0. bench/rt/run times it as implementation
 * "posix_spawn" of the subprocess benchmark only. */
#include <spawn.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

int main(void)
{
    char *argv[] = {"/bin/true", NULL};
    int ok = 0;
    for (int i = 0; i < 1000; i++) {
        pid_t pid;
        int status;
        if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) {
            perror("posix_spawn");
            return 1;
        }
        if (waitpid(pid, &status, 0) != pid) {
            perror("waitpid");
            return 1;
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            ok++;
    }
    printf("%d\n", ok);
    return 0;
}
