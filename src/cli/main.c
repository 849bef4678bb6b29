/* photo3d: entry point and subcommand dispatch. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    cli_cmd_fn fn; /* NULL when the command is not built in */
    const char *summary;
} command;

static const command commands[] = {
    {"run", cmd_run, "turn a photo (and its depth map) into a 3D photo: mesh and videos"},
    {"render", cmd_render, "render videos from an existing 3D photo mesh (PLY)"},
    {"depth", cmd_depth, "estimate a depth map for a photo (MiDaS)"},
    {"eval", cmd_eval, "measure novel-view quality against a real target view"},
    {"net", cmd_net, "run one inpainting or depth network on one tensor (.npy)"},
    {"models", cmd_models, "list, fetch, verify the network weights"},
    {"synth", cmd_synth, "write a synthetic RGB-D scene with ground-truth views"},
    {"info", cmd_info, "describe images, depth maps and meshes"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: photo3d COMMAND [options] ...\n\n"
               "Turns one photograph into a 3D photo (layered depth image, mesh, parallax videos).\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (commands[i].fn)
            fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'photo3d COMMAND --help' for a command's options.\n"
               "  --help     this text\n  --version  the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("photo3d %s\n", PHOTO3D_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (commands[i].fn && strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "photo3d: unknown command '%s'; commands:", argv[1]);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (commands[i].fn)
            fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, "\n");
    return 2;
}
