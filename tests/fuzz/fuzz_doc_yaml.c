/* fuzz_doc_yaml.c — the YAML loader (engine/doc_yaml.c: short-form tags, anchors and aliases,
 * the alias-expansion cap) on raw bytes, with the default limits and with tight ones (so that
 * every cap is reachable by small inputs). */
#include "tests/fuzz/fuzz.h"

#include "engine/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    pp_limits tight = PP_LIMITS_DEFAULT;
    tight.max_depth = 8;
    tight.max_string_bytes = 64;
    tight.max_nodes = 200;
    tight.max_alias_nodes = 50;
    const pp_limits *l[2] = { &lim, &tight };
    for (int i = 0; i < 2; i++) {
        pp_status st = PP_OK;
        char *err = NULL;
        pp_doc *d = pp_doc_load("fuzz.yaml", (const char *)data, size, PP_FMT_YAML, l[i], &st,
                                &err);
        if (d) {
            pp_pos p;
            (void)pp_doc_pos(d, "/Resources/A/Properties", &p);
        }
        pp_doc_free(d);
        free(err);
    }
    return 0;
}
