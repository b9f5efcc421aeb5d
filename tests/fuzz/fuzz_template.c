/* fuzz_template.c — the intrinsic resolver (engine/template.c): a document (JSON or YAML,
 * auto-detected) loaded and built into a template with parameters given, as `parapet check
 * --param` would. */
#include "tests/fuzz/fuzz.h"

#include "engine/doc.h"
#include "engine/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pp_limits lim = PP_LIMITS_DEFAULT;
    pp_status st = PP_OK;
    char *err = NULL;
    pp_doc *d = pp_doc_load("fuzz", (const char *)data, size, PP_FMT_AUTO, &lim, &st, &err);
    if (!d) {
        free(err);
        return 0;
    }
    static const pp_param_kv params[] = {
        { "Env", "prod" }, { "VpcCidr", "10.0.0.0/16" }, { "Subnets", "subnet-1,subnet-2" },
    };
    pp_resolve_opts o = {
        .region = "eu-west-1",
        .params = params,
        .nparams = sizeof params / sizeof params[0],
        .limits = &lim,
    };
    pp_template *t = pp_template_build(d, &o, &st, &err);
    if (t)
        (void)pp_template_find(t, "Bucket");
    pp_template_free(t);
    pp_doc_free(d);
    free(err);
    return 0;
}
