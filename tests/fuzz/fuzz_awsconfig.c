/* fuzz_awsconfig.c — the AWS config / credentials file parser (engine/net/creds.c,
 * pp_aws_config_parse) on the whole input; then, on its first line, the credential_process
 * command splitter and the time parser; and pp_term_clean (engine/base/util.c) on all of it.
 * Nothing is run and nothing is fetched: a parsed file's commands are only split.
 */
#include "tests/fuzz/fuzz.h"

#include <jansson.h>

#include "engine/base/util.h"
#include "engine/net/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *cfg = NULL;
    char *err = NULL;
    pp_status st = pp_aws_config_parse("fuzz", (const char *)data, size, &cfg, &err);
    if (st != PP_OK && !err)
        abort();   /* a refusal must say why */
    free(err);
    err = NULL;
    const char *sec;
    json_t *o;
    json_object_foreach(cfg, sec, o) {
        const char *cp = json_string_value(json_object_get(o, "credential_process"));
        pp_strvec v;
        if (cp && pp_creds_split_command(cp, &v, &err) == 0)
            pp_strvec_free(&v);
        PP_FREE(err);
    }
    json_decref(cfg);
    const uint8_t *d = data;
    size_t n = size;
    char *first = pp_fuzz_field(&d, &n);
    if (first) {
        pp_strvec v;
        if (pp_creds_split_command(first, &v, &err) == 0)
            pp_strvec_free(&v);
        free(err);
        time_t t;
        (void)pp_creds_parse_time(first, &t);
        free(first);
    }
    char *c = pp_term_clean((const char *)data, size, 1);
    free(c);
    return 0;
}
