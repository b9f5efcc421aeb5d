/* fuzz_doc_json.c — the JSON template loader (engine/doc_json.c) on raw bytes, then a position
 * lookup on what it built. */
#include "tests/fuzz/fuzz.h"

#include "engine/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    pp_status st = PP_OK;
    char *err = NULL;
    pp_doc *d = pp_doc_load("fuzz.json", (const char *)data, size, PP_FMT_JSON, &lim, &st, &err);
    if (d) {
        pp_pos p;
        (void)pp_doc_pos(d, "", &p);
        (void)pp_doc_pos(d, "/Resources/A/Properties/x~1y/0", &p);
    }
    pp_doc_free(d);
    free(err);
    return 0;
}
