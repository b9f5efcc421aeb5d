/* fuzz_kb.c — `parapet kb build` input: one kb/NAME.yaml entry (advisor/kb.c pp_kb_load_buf:
 * the YAML loader with the KB's limits, validation, PCRE2 compilation of the pattern), then
 * lint, which matches every example against the entry and checks its templates. */
#include "tests/fuzz/fuzz.h"

#include "advisor/kb.h"
#include "engine/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_kb *kb = NULL;
    char *err = NULL;
    if (pp_kb_load_buf("fuzz.yaml", (const char *)data, size, &kb, &err) == PP_OK) {
        pp_buf r;
        pp_buf_init(&r, 1u << 20);
        (void)pp_kb_lint(kb, &r);
        pp_buf_free(&r);
        (void)pp_kb_kinds(kb);
    }
    pp_kb_free(kb);
    free(err);
    return 0;
}
