/* The command-line front end: option tables, parsing with helpful errors,
 * progress reporting and the subcommand registry. The CLI is the only part
 * of photo3d that prints or exits. */
#ifndef P3D_CLI_H
#define P3D_CLI_H

#include "photo3d.h"

/* One option of a subcommand. arg == NULL: a flag; otherwise the value's
 * name as shown in --help. repeat: may be given more than once. */
typedef struct cli_opt {
    const char *name; /* without the leading "--" */
    const char *arg;
    const char *help;
    int repeat;
    char short_name; /* e.g. 'o' for "-o"; 0 = none */
} cli_opt;

typedef struct cli_spec {
    const char *command;  /* e.g. "info" */
    const char *usage;    /* e.g. "FILE..." */
    const char *summary;  /* one paragraph shown by --help */
    const cli_opt *opts;  /* terminated by {0} */
    int min_pos, max_pos; /* positional argument count bounds (max -1 = any) */
} cli_spec;

#define CLI_MAX_ARGS 256
typedef struct cli_args {
    const cli_spec *spec;
    int n;
    const char *name[CLI_MAX_ARGS]; /* option name for each occurrence */
    const char *val[CLI_MAX_ARGS];
    int npos;
    const char *pos[CLI_MAX_ARGS];
    int quiet;
    int threads;
} cli_args;

/* Parses argv (argv[0] is the subcommand). Returns -1 to continue, or an exit
 * code (0 after --help, 2 for a usage error, message already printed). The
 * options --help, --quiet and --threads N are accepted by every command. */
int cli_parse(const cli_spec *spec, int argc, char **argv, cli_args *a);
const char *cli_get(const cli_args *a, const char *name); /* last value or NULL */
int cli_has(const cli_args *a, const char *name);
int cli_count(const cli_args *a, const char *name);
const char *cli_get_nth(const cli_args *a, const char *name, int k);
/* Numeric option values: print a usage error and return 0 on a malformed value. */
int cli_get_int(const cli_args *a, const char *name, long lo, long hi, long *out);
int cli_get_double(const cli_args *a, const char *name, double *out);
/* "a,b,c": exactly n finite numbers separated by commas; 0 if malformed. */
int cli_parse_numbers(const char *s, double *out, int n);

/* Prints "photo3d CMD: message" to stderr (one line). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Context set up from the common options (threads, progress unless --quiet). */
void cli_ctx(const cli_args *a, p3d_ctx *ctx);
/* Maps a library status to an exit code (1 bad input, 2 usage, 1 otherwise) and prints the message. */
int cli_fail(const char *cmd, p3d_ctx *ctx);
/* Creates dir and its missing parents (mkdir -p); an error names the folder. */
int cli_make_dir(p3d_ctx *ctx, const char *dir);
/* Progress to stderr: a bar on a terminal, plain lines otherwise. */
void cli_progress(void *user, const char *stage, long done, long total);

/* Video options shared by render and run (rows of a cli_opt table), and
 * their parsing: 0 after printing a usage error. center_depth may be NULL
 * when the table has no --center-depth. */
#define CLI_VIDEO_OPTS                                                                              \
    {"format", "FMT", "mp4 (H.264, default) | webm (VP9) | gif | png (a folder of frames)", 0},   \
    {"frames", "N", "frames per video (default 240)", 0},                                          \
    {"fps", "N", "frames per second (default 40)", 0},                                             \
    {"crf", "N", "quality for mp4/webm, lower is better (default 18)", 0},                         \
    {"supersample", "N", "anti-flickering: 2 = 2x2 samples, filter matched to the reference's "      \
                         "3x3 (default); 3 = its exact 3x3; 1 = off", 0},                           \
    {"crop-border", "T,L,B,R", "fractions cut at top, left, bottom, right (default 0.03,0.03,0.05,0.03)", 0}, \
    {"simplify", "PX", "draw flat regions of the mesh as fewer, textured triangles that move no "     \
                       "point by more than PX output pixels at any pose (default 0.25; 0 = exact)", 0}, \
    {"glb", NULL, "also write <stem>.glb (glTF 2.0 binary)", 0}
int cli_render_options(const cli_args *a, p3d_render_options *opt, double *center_depth);

struct p3d_inpaint_backend;
/* The backend named by run's --inpaint (NULL = auto). */
int run_backend_create(p3d_ctx *ctx, const char *name, const char *weights_dir,
                       struct p3d_inpaint_backend *out);

/* Subcommands. Each is defined in src/cli/cmd_<name>.c. */
typedef int (*cli_cmd_fn)(int argc, char **argv);
int cmd_info(int argc, char **argv) __attribute__((weak));
int cmd_synth(int argc, char **argv) __attribute__((weak));
int cmd_run(int argc, char **argv) __attribute__((weak));
int cmd_render(int argc, char **argv) __attribute__((weak));
int cmd_depth(int argc, char **argv) __attribute__((weak));
int cmd_net(int argc, char **argv) __attribute__((weak));
int cmd_models(int argc, char **argv) __attribute__((weak));
int cmd_eval(int argc, char **argv) __attribute__((weak));

#endif
