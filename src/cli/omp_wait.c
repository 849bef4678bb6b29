/* Passive OpenMP waiting for `photo3d render` and `photo3d run`. Rendering
 * runs its parallel loops next to the video encoder thread on the same
 * cores; libgomp's default lets idle workers spin after each loop, which
 * takes CPU from the encoder. The neural stages of `run` gain too: their
 * many short loops (and oneDNN's) leave a spinning worker taking the CPU
 * from the thread with the work (moon, random weights, mesh only: 27.0
 * against 29.5 s; with the 4 videos: see bench/moon_neural.sh). libgomp
 * reads OMP_WAIT_POLICY once, when it is loaded, and the C library resets the environment after the executable's earliest hook (the
 * preinit array), so the only way to set it from inside is to start again
 * with it: the preinit hook re-executes the program once with
 * OMP_WAIT_POLICY=passive added. A value the user set is kept, and if the
 * re-execution fails the program simply goes on. */
#include <string.h>
#include <unistd.h>

#define MAX_ENV 4096

static void prefer_passive_waiting(int argc, char **argv, char **envp)
{
    static char setting[] = "OMP_WAIT_POLICY=passive";
    static char *env[MAX_ENV + 2];
    if (argc < 2 || (strcmp(argv[1], "render") != 0 && strcmp(argv[1], "run") != 0))
        return;
    int n = 0;
    for (; envp[n]; n++) {
        if (strncmp(envp[n], "OMP_WAIT_POLICY=", 16) == 0 || n >= MAX_ENV)
            return;
        env[n] = envp[n];
    }
    env[n] = setting;
    env[n + 1] = NULL;
    execve("/proc/self/exe", argv, env);
}

__attribute__((section(".preinit_array"), used)) static void (*const preinit)(int, char **, char **) =
    prefer_passive_waiting;
