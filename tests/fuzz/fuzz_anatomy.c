/* fuzz_anatomy.c — the anatomy decoder (advisor/anatomy.c): input is one failure message,
 * handed over in a buffer of exactly its length (the decoder must never read past it). Every
 * decoded result is rendered (JSON, the one-line summary), guidance is built from it with and
 * without an event, and each decoded validation field is turned into a JSON pointer.
 */
#include "tests/fuzz/fuzz.h"

#include "advisor/anatomy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);
    pp_anatomy a;
    if (pp_anatomy_decode(buf, size, &a) == PP_OK) {
        json_t *j = pp_anatomy_json(&a);
        char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
        free(s);
        json_decref(j);
        free(pp_anatomy_summary(&a));
        pp_event ev = {.logical_id = "Res", .stack = "st'ack", .resource_type = "AWS::S3::Bucket",
                       .stop_code = "EssentialContainerExited", .exit_code = 137};
        for (int k = 0; k < 2; k++) {
            pp_an_guide g;
            if (pp_anatomy_guide(&a, k ? &ev : NULL, &g) == PP_OK)
                pp_an_guide_free(&g);
        }
        for (size_t i = 0; i < a.nviol; i++)
            free(pp_an_field_pointer(a.viol[i].field));
        if (pp_anatomy_add_event(&a, &ev) == PP_OK) {
            pp_an_guide g;
            if (pp_anatomy_guide(&a, &ev, &g) == PP_OK)
                pp_an_guide_free(&g);
        }
        pp_anatomy_free(&a);
    }
    free(pp_anatomy_unwrap(buf, size));
    free(buf);
    return 0;
}
