/* sigv4_driver.c — reads requests as JSON lines ({method, host, path, query, headers: [[n, v]…],
 * body, access_key, secret, token, region, service, amz_date}) and prints the signature the C
 * signer (engine/net/sigv4.c) computes, one per line. Built and run by test_sigv4_compare.sh. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/net/sigv4.h"
#include "engine/base/util.h"

int main(void)
{
    char line[1 << 16];
    while (fgets(line, sizeof line, stdin)) {
        json_error_t je;
        json_t *r = json_loads(line, 0, &je);
        if (!r) {
            fprintf(stderr, "driver: %s\n", je.text);
            return 2;
        }
        const char *hdrs[PP_SIGV4_MAX_HEADERS];
        char *owned[PP_SIGV4_MAX_HEADERS];
        size_t n = 0;
        json_t *h;
        size_t i;
        json_array_foreach(json_object_get(r, "headers"), i, h) {
            owned[n] = pp_asprintf("%s: %s", json_string_value(json_array_get(h, 0)),
                                   json_string_value(json_array_get(h, 1)));
            hdrs[n] = owned[n];
            n++;
        }
        const char *body = json_string_value(json_object_get(r, "body"));
        pp_aws_creds c = { json_string_value(json_object_get(r, "access_key")),
                           json_string_value(json_object_get(r, "secret")),
                           json_string_value(json_object_get(r, "token")) };
        pp_sigv4_req q = { .method = json_string_value(json_object_get(r, "method")),
                           .host = json_string_value(json_object_get(r, "host")),
                           .path = json_string_value(json_object_get(r, "path")),
                           .query = json_string_value(json_object_get(r, "query")),
                           .headers = hdrs, .nheaders = n, .body = body,
                           .body_len = body ? strlen(body) : 0,
                           .region = json_string_value(json_object_get(r, "region")),
                           .service = json_string_value(json_object_get(r, "service")) };
        pp_sigv4_sig s;
        char *err = NULL;
        if (pp_sigv4_sign(&q, &c, &s, &err) != PP_OK) {
            fprintf(stderr, "driver: %s\n", err ? err : "sign failed");
            return 2;
        }
        printf("%s\n", s.signature);
        pp_sigv4_sig_free(&s);
        for (size_t k = 0; k < n; k++)
            free(owned[k]);
        json_decref(r);
    }
    return 0;
}
