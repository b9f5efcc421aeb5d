/* fuzz_sigv4.c — SigV4 canonicalisation (engine/net/sigv4.c): input lines are PATH, QUERY, METHOD,
 * HOST, then header lines up to an empty line, then the body. The path and the query go
 * through the canonical URI / query functions and the encoder on their own, then the whole
 * request is signed. */
#include "tests/fuzz/fuzz.h"

#include "engine/net/sigv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = pp_fuzz_field(&data, &size);
    char *query = pp_fuzz_field(&data, &size);
    char *method = pp_fuzz_field(&data, &size);
    char *host = pp_fuzz_field(&data, &size);
    char *hdr[PP_SIGV4_MAX_HEADERS + 2];
    size_t nh = 0;
    while (size && nh < PP_SIGV4_MAX_HEADERS + 2) {
        char *h = pp_fuzz_field(&data, &size);
        if (!h || !*h) {
            free(h);
            break;
        }
        hdr[nh++] = h;
    }
    if (path && query && method && host) {
        free(pp_sigv4_canonical_uri(path));
        free(pp_sigv4_canonical_query(query));
        free(pp_sigv4_canonical_query(NULL));
        free(pp_uri_encode(path, strlen(path)));
        free(pp_uri_encode((const char *)data, size));
        pp_sigv4_req r = {
            .method = method, .host = host, .path = path, .query = *query ? query : NULL,
            .headers = (const char *const *)hdr, .nheaders = nh,
            .body = data, .body_len = size,
            .region = "us-east-1", .service = "bedrock", .when = 1440938160,
        };
        pp_aws_creds c = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                           nh % 2 ? "token" : NULL };
        pp_sigv4_sig sig;
        char *err = NULL;
        if (pp_sigv4_sign(&r, &c, &sig, &err) == PP_OK)
            pp_sigv4_sig_free(&sig);
        free(err);
    }
    for (size_t i = 0; i < nh; i++)
        free(hdr[i]);
    free(host);
    free(method);
    free(query);
    free(path);
    return 0;
}
