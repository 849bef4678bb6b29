/* The environment the heavy commands (run, render, eval, depth) start
 * with. Two settings are read once, when the program and its libraries
 * are loaded, so the only way to set them from inside is to start again
 * with them: a preinit hook re-executes the program once with those the
 * user has not set added (a value the user set is kept; if the
 * re-execution fails the program simply goes on, only slower).
 *
 * OMP_WAIT_POLICY=passive. Rendering runs its parallel loops next to the
 * video encoder thread on the same cores; libgomp's default lets idle
 * workers spin after each loop, which takes CPU from the encoder. The
 * neural stages of `run` gain too: their many short loops (and oneDNN's)
 * leave a spinning worker taking the CPU from the thread with the work
 * (moon, random weights, mesh only: 27.0 against 29.5 s; with the 4
 * videos: see bench/moon_neural.sh).
 *
 * GLIBC_TUNABLES=glibc.malloc.hugetlb=1: the C library asks for
 * transparent huge pages for its large blocks (the mesh, its simplified
 * copy, the canvases, the encoder's frames), which on a machine whose
 * kernel gives them only on request ("madvise") means 512 times fewer
 * page faults, and fewer TLB misses while drawing. The moon's four videos:
 * 26.9 -> 26.2, 31.3 -> 29.2 and 31.4 -> 28.1 CPU-s in alternating runs;
 * moon to PLY 1.62 -> 1.17 s; bench/quality.sh (eval) 75.9 -> 64.6 CPU-s
 * (glibc 2.35 and later; older ones ignore it). */
#include <string.h>
#include <unistd.h>

#define MAX_ENV 4096

static void start_again_with_settings(int argc, char **argv, char **envp)
{
    static char *const settings[] = {"OMP_WAIT_POLICY=passive", "GLIBC_TUNABLES=glibc.malloc.hugetlb=1"};
    enum { NSETTINGS = sizeof settings / sizeof settings[0] };
    static char *env[MAX_ENV + NSETTINGS + 1];
    static const char *const commands[] = {"run", "render", "eval", "depth"};
    int heavy = 0;
    for (size_t c = 0; argc >= 2 && c < sizeof commands / sizeof commands[0]; c++)
        heavy |= strcmp(argv[1], commands[c]) == 0;
    if (!heavy)
        return;
    int given[NSETTINGS] = {0}, n = 0;
    for (; envp[n]; n++) {
        if (n >= MAX_ENV)
            return;
        for (int k = 0; k < NSETTINGS; k++) {
            size_t name = (size_t)(strchr(settings[k], '=') - settings[k]) + 1;
            given[k] |= strncmp(envp[n], settings[k], name) == 0;
        }
        env[n] = envp[n];
    }
    int added = 0;
    for (int k = 0; k < NSETTINGS; k++)
        if (!given[k])
            env[n + added++] = settings[k];
    if (!added)
        return;
    env[n + added] = NULL;
    execve("/proc/self/exe", argv, env);
}

__attribute__((section(".preinit_array"), used)) static void (*const preinit)(int, char **, char **) =
    start_again_with_settings;
