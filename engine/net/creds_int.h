/* creds_int.h — what the files of the credential chain share (creds.h is the API):
 * creds.c (the session and the chain), creds_config.c (the shared config and credentials
 * files, timestamps), creds_http.c (container and IMDS endpoints, STS), creds_process.c
 * (credential_process, IAM Identity Center). A pp_cr_tcreds owns its secrets and zeroes them
 * when freed; nothing here logs or returns a secret in a message.
 */
#ifndef PP_NET_CREDS_INT_H
#define PP_NET_CREDS_INT_H

#include <jansson.h>
#include <time.h>

#include "engine/net/creds.h"
#include "engine/net/http.h"

#define IMDS_TIMEOUT_MS 1000
#define CONTAINER_TIMEOUT_MS 2000
#define STS_TIMEOUT_MS 10000
#define MAX_TOKEN_FILE (64u << 10)

/* One set of credentials; exp 0 = never expires. Every string owned and zeroed on free. */

typedef struct pp_cr_tcreds {
    char *ak, *sk, *tok;
    time_t exp;
} pp_cr_tcreds;

struct pp_aws_session {
    char *profile;
    int explicit_profile;      /* named on the command line: skips the environment keys */
    int named_profile;         /* named at all (--profile or AWS_PROFILE) */
    char *region;
    char *override;            /* --endpoint-url */
    char *config_path, *creds_path;
    json_t *config;            /* {"section": {"key": "value"}} */
    json_t *credentials;
    pp_cr_tcreds cur;
    char source[256];
    unsigned fetches;
};

typedef struct pp_cr_fetch {
    pp_aws_session *s;
    pp_http_client *http;
    char *how;               /* what the last source was, for s->source (owned) */
} pp_cr_fetch;

/* Prototypes of the helpers used across the files (each commented at its definition). */
pp_status pp_cr_container_creds(pp_cr_fetch *fx, pp_cr_tcreds *out, char **err);
const char *pp_cr_env(const char *name);
char *pp_cr_expand_home(const char *path);
pp_status pp_cr_http_get_json(pp_http_client *http, const char *url, const char *const *hdrs,
                               size_t nh, long timeout_ms, const char *what, json_t **out,
                               long *status, char **err);
pp_status pp_cr_imds_creds(pp_cr_fetch *fx, pp_cr_tcreds *out, char **err);
pp_status pp_cr_ini_load(const char *path, json_t **out, char **err);
const char *pp_cr_pget(const pp_aws_session *s, const char *name, const char *key);
pp_status pp_cr_process_creds(pp_cr_fetch *fx, const char *profile, const char *cmd,
                               pp_cr_tcreds *out, char **err);
int pp_cr_profile_exists(const pp_aws_session *s, const char *name);
pp_status pp_cr_read_token(const char *path, const char *what, char **out, char **err);
void pp_cr_set_how(pp_cr_fetch *fx, char *how);
pp_status pp_cr_sso_creds(pp_cr_fetch *fx, const char *profile, pp_cr_tcreds *out, char **err);
pp_status pp_cr_sts_call(pp_cr_fetch *fx, const char *profile, const pp_cr_tcreds *src,
                          const char *web_token, const char *role_arn, const char *session,
                          const char *external_id, const char *duration, pp_cr_tcreds *out,
                          char **err);
pp_status pp_cr_tcreds_set(pp_cr_tcreds *c, const char *ak, const char *sk, const char *tok,
                            time_t exp, char **err);
char *pp_cr_trim(char *s);
void pp_cr_wipe(char *s);
void pp_cr_tcreds_free(pp_cr_tcreds *c);

#endif
