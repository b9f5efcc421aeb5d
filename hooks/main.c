/* main.c — the parapet command line: dispatches to the front ends in hooks/. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        puts("usage: parapet COMMAND [ARGS]   (see docs/cli.md)");
        return argc < 2 ? 2 : 0;
    }
    fprintf(stderr, "parapet: unknown command '%s'\n", argv[1]);
    return 2;
}
