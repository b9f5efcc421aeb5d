/* creds.c — the AWS credential chain, profiles and region (see creds.h for the order and the
 * rules each source follows). This file: the session and the chain; the sources are in
 * creds_config.c, creds_http.c and creds_process.c (creds_int.h). */
#include "engine/net/creds.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/base/crypto.h"
#include "engine/base/json_write.h"
#include "engine/base/util.h"
#include "engine/net/aws.h"
#include "engine/net/creds_int.h"
#include "engine/net/xml.h"

void pp_cr_wipe(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void pp_cr_tcreds_free(pp_cr_tcreds *c)
{
    pp_cr_wipe(c->ak);
    pp_cr_wipe(c->sk);
    pp_cr_wipe(c->tok);
    memset(c, 0, sizeof *c);
}

pp_status pp_cr_tcreds_set(pp_cr_tcreds *c, const char *ak, const char *sk, const char *tok,
                            time_t exp, char **err)
{
    memset(c, 0, sizeof *c);
    c->ak = pp_strdup(ak);
    c->sk = pp_strdup(sk);
    c->tok = tok && *tok ? pp_strdup(tok) : NULL;
    c->exp = exp;
    if (!c->ak || !c->sk || (tok && *tok && !c->tok)) {
        pp_cr_tcreds_free(c);
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    return PP_OK;
}

const char *pp_cr_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* ---- the session ----------------------------------------------------------------------- */

pp_status pp_aws_session_new(const pp_aws_session_opts *o, pp_aws_session **out, char **err)
{
    *out = NULL;
    pp_aws_session *s = calloc(1, sizeof *s);
    if (!s)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    pp_status st = PP_OK;
    const char *prof = o && o->profile && *o->profile ? o->profile : NULL;
    s->explicit_profile = prof != NULL;
    if (!prof)
        prof = pp_cr_env("AWS_PROFILE");
    if (!prof)
        prof = pp_cr_env("AWS_DEFAULT_PROFILE");
    s->named_profile = prof != NULL;
    s->profile = pp_strdup(prof ? prof : "default");
    s->override = o && o->endpoint_url && *o->endpoint_url ? pp_strdup(o->endpoint_url) : NULL;
    const char *cf = pp_cr_env("AWS_CONFIG_FILE"), *sf = pp_cr_env("AWS_SHARED_CREDENTIALS_FILE");
    s->config_path = pp_cr_expand_home(cf ? cf : "~/.aws/config");
    s->creds_path = pp_cr_expand_home(sf ? sf : "~/.aws/credentials");
    if (!s->profile || !s->config_path || !s->creds_path ||
        (o && o->endpoint_url && *o->endpoint_url && !s->override)) {
        st = pp_err(err, PP_E_NOMEM, "out of memory");
        goto done;
    }
    if (strlen(s->profile) > 200) {
        st = pp_err(err, PP_E_USAGE, "profile name longer than 200 bytes");
        goto done;
    }
    if ((st = pp_cr_ini_load(s->config_path, &s->config, err)) != PP_OK ||
        (st = pp_cr_ini_load(s->creds_path, &s->credentials, err)) != PP_OK)
        goto done;
    const char *rg = o && o->region && *o->region ? o->region : NULL;
    if (!rg)
        rg = pp_cr_env("AWS_REGION");
    if (!rg)
        rg = pp_cr_env("AWS_DEFAULT_REGION");
    if (!rg)
        rg = pp_cr_pget(s, s->profile, "region");
    if (rg && !(s->region = pp_strdup(rg)))
        st = pp_err(err, PP_E_NOMEM, "out of memory");
done:
    if (st != PP_OK) {
        pp_aws_session_free(s);
        return st;
    }
    *out = s;
    return PP_OK;
}

void pp_aws_session_free(pp_aws_session *s)
{
    if (!s)
        return;
    pp_cr_tcreds_free(&s->cur);
    free(s->profile);
    free(s->region);
    free(s->override);
    free(s->config_path);
    free(s->creds_path);
    json_decref(s->config);   /* static keys in there: jansson frees, cannot zero */
    json_decref(s->credentials);
    free(s);
}

const char *pp_aws_session_region(const pp_aws_session *s)
{
    return s->region;
}

const char *pp_aws_session_profile(const pp_aws_session *s)
{
    return s->profile;
}

const char *pp_aws_session_source(const pp_aws_session *s)
{
    return s->source;
}

unsigned pp_aws_session_fetches(const pp_aws_session *s)
{
    return s->fetches;
}

void pp_aws_session_invalidate(pp_aws_session *s)
{
    pp_cr_tcreds_free(&s->cur);
}

char *pp_aws_session_endpoint(const pp_aws_session *s, pp_aws_service svc)
{
    const char *ov = svc == PP_SVC_STS || svc == PP_SVC_SSO ? NULL : s->override;
    return pp_aws_endpoint_for(svc, s->region, ov, pp_cr_pget(s, s->profile, "endpoint_url"));
}

/* ---- the chain ------------------------------------------------------------------------- */

static pp_status env_creds(pp_cr_tcreds *out, char **err)
{
    return pp_cr_tcreds_set(out, pp_cr_env("AWS_ACCESS_KEY_ID"), pp_cr_env("AWS_SECRET_ACCESS_KEY"),
                      pp_cr_env("AWS_SESSION_TOKEN"), 0, err);
}

static int have_env_keys(void)
{
    return pp_cr_env("AWS_ACCESS_KEY_ID") && pp_cr_env("AWS_SECRET_ACCESS_KEY");
}

static int have_container(void)
{
    return pp_cr_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
           pp_cr_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

static int imds_disabled(void)
{
    const char *v = pp_cr_env("AWS_EC2_METADATA_DISABLED");
    return v && strcasecmp(v, "true") == 0;
}


static pp_status profile_creds(pp_cr_fetch *fx, const char *name, unsigned depth,
                               const char **seen, pp_cr_tcreds *out, char **err);

static pp_status web_identity(pp_cr_fetch *fx, const char *profile, const char *token_file,
                              const char *role_arn, const char *session, pp_cr_tcreds *out,
                              char **err)
{
    char *tok = NULL;
    pp_status st = pp_cr_read_token(token_file, "web identity token", &tok, err);
    if (st == PP_OK)
        st = pp_cr_sts_call(fx, profile, NULL, tok, role_arn, session, NULL, NULL, out, err);
    pp_cr_wipe(tok);
    pp_cr_set_how(fx, pp_asprintf("%s%s%sweb identity (%.200s)", profile ? "profile " : "",
                            profile ? profile : "", profile ? " " : "", role_arn));
    return st;
}

static pp_status assume_role(pp_cr_fetch *fx, const char *name, unsigned depth,
                             const char **seen, pp_cr_tcreds *out, char **err)
{
    const pp_aws_session *s = fx->s;
    const char *role = pp_cr_pget(s, name, "role_arn");
    const char *srcp = pp_cr_pget(s, name, "source_profile");
    const char *csrc = pp_cr_pget(s, name, "credential_source");
    const char *dur = pp_cr_pget(s, name, "duration_seconds");
    if (pp_cr_pget(s, name, "mfa_serial"))
        return pp_err(err, PP_E_DENIED, "profile %s: the role needs an MFA code (mfa_serial), "
                      "and parapet does not prompt; use credentials that need none (for "
                      "example `aws sts get-session-token --serial-number … --token-code …` "
                      "into the environment)", name);
    if (dur) {
        long d;
        if (pp_parse_long(dur, 900, 43200, &d) != 0)
            return pp_err(err, PP_E_PARSE, "profile %s: duration_seconds must be a number of "
                          "seconds from 900 to 43200, not '%.40s'", name, dur);
    }
    if (srcp && csrc)
        return pp_err(err, PP_E_PARSE, "profile %s: set source_profile or credential_source, "
                      "not both", name);
    pp_cr_tcreds src = { 0 };
    pp_status st = PP_OK;
    if (srcp) {
        if (strcmp(srcp, name) == 0) {
            /* a profile that is its own source: its static keys sign the call */
            const char *ak = pp_cr_pget(s, name, "aws_access_key_id");
            const char *sk = pp_cr_pget(s, name, "aws_secret_access_key");
            if (!ak || !sk)
                return pp_err(err, PP_E_PARSE, "profile %s is its own source_profile but has "
                              "no aws_access_key_id / aws_secret_access_key", name);
            st = pp_cr_tcreds_set(&src, ak, sk, pp_cr_pget(s, name, "aws_session_token"), 0, err);
        } else if (!pp_cr_profile_exists(s, srcp)) {
            return pp_err(err, PP_E_NOTFOUND, "profile %s: source_profile %s does not exist",
                          name, srcp);
        } else {
            st = profile_creds(fx, srcp, depth + 1, seen, &src, err);
        }
    } else if (csrc) {
        if (strcmp(csrc, "Environment") == 0) {
            if (!have_env_keys())
                return pp_err(err, PP_E_NOTFOUND, "profile %s: credential_source Environment, "
                              "but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set", name);
            st = env_creds(&src, err);
        } else if (strcmp(csrc, "EcsContainer") == 0) {
            st = pp_cr_container_creds(fx, &src, err);
        } else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
            st = pp_cr_imds_creds(fx, &src, err);
        } else {
            return pp_err(err, PP_E_PARSE, "profile %s: credential_source must be Environment, "
                          "EcsContainer or Ec2InstanceMetadata, not '%.40s'", name, csrc);
        }
    } else {
        return pp_err(err, PP_E_PARSE, "profile %s has role_arn but no source_profile, "
                      "credential_source or web_identity_token_file", name);
    }
    if (st == PP_OK)
        st = pp_cr_sts_call(fx, name, &src, NULL, role, pp_cr_pget(s, name, "role_session_name"),
                      pp_cr_pget(s, name, "external_id"), dur, out, err);
    pp_cr_tcreds_free(&src);
    pp_cr_set_how(fx, pp_asprintf("profile %s (assume role %.200s)", name, role));
    return st;
}

/* The credentials of one profile (steps 2–6 of the chain). PP_E_NOTFOUND with no message
 * when the profile configures none. */
static pp_status profile_creds(pp_cr_fetch *fx, const char *name, unsigned depth,
                               const char **seen, pp_cr_tcreds *out, char **err)
{
    const pp_aws_session *s = fx->s;
    if (depth >= PP_CREDS_MAX_CHAIN)
        return pp_err(err, PP_E_LIMIT, "profile %s: more than %d source_profile hops", name,
                      PP_CREDS_MAX_CHAIN);
    for (unsigned i = 0; i < depth; i++)
        if (strcmp(seen[i], name) == 0)
            return pp_err(err, PP_E_CYCLE, "profile %s: source_profile loops back to itself",
                          name);
    seen[depth] = name;
    const char *role = pp_cr_pget(s, name, "role_arn");
    const char *wif = pp_cr_pget(s, name, "web_identity_token_file");
    if (role && (pp_cr_pget(s, name, "source_profile") || pp_cr_pget(s, name,
                 "credential_source") ||
                 !wif))
        return assume_role(fx, name, depth, seen, out, err);
    if (role && wif)
        return web_identity(fx, name, wif, role, pp_cr_pget(s, name, "role_session_name"), out,
                            err);
    if (depth == 0 && pp_cr_env("AWS_WEB_IDENTITY_TOKEN_FILE") && pp_cr_env("AWS_ROLE_ARN"))
        return web_identity(fx, NULL, pp_cr_env("AWS_WEB_IDENTITY_TOKEN_FILE"),
                            pp_cr_env("AWS_ROLE_ARN"),
                            pp_cr_env("AWS_ROLE_SESSION_NAME"), out, err);
    if (pp_cr_pget(s, name, "sso_session") || pp_cr_pget(s, name, "sso_start_url"))
        return pp_cr_sso_creds(fx, name, out, err);
    const char *ak = pp_cr_pget(s, name, "aws_access_key_id");
    const char *sk = pp_cr_pget(s, name, "aws_secret_access_key");
    if (ak && sk) {
        pp_cr_set_how(fx, pp_asprintf("profile %s (static keys)", name));
        return pp_cr_tcreds_set(out, ak, sk, pp_cr_pget(s, name, "aws_session_token"), 0, err);
    }
    if (ak || sk)
        return pp_err(err, PP_E_PARSE, "profile %s sets only one of aws_access_key_id and "
                      "aws_secret_access_key", name);
    const char *proc = pp_cr_pget(s, name, "credential_process");
    if (proc) {
        pp_cr_set_how(fx, pp_asprintf("profile %s (credential_process)", name));
        return pp_cr_process_creds(fx, name, proc, out, err);
    }
    return PP_E_NOTFOUND;
}

static pp_status run_chain(pp_cr_fetch *fx, pp_cr_tcreds *out, char **err)
{
    pp_aws_session *s = fx->s;
    if (!s->explicit_profile && have_env_keys()) {
        pp_cr_set_how(fx, pp_strdup("environment"));
        return env_creds(out, err);
    }
    if (s->named_profile && !pp_cr_profile_exists(s, s->profile) &&
        !(pp_cr_env("AWS_WEB_IDENTITY_TOKEN_FILE") && pp_cr_env("AWS_ROLE_ARN")))
        return pp_err(err, PP_E_NOTFOUND, "the profile '%s' is in neither %s nor %s",
                      s->profile, s->config_path, s->creds_path);
    const char *seen[PP_CREDS_MAX_CHAIN];
    char *e = NULL;
    pp_status st = profile_creds(fx, s->profile, 0, seen, out, &e);
    if (st != PP_E_NOTFOUND || e) {
        if (st != PP_OK)
            pp_err(err, st, "%s", e ? e : pp_status_name(st));
        free(e);
        return st;
    }
    if (have_container())
        return pp_cr_container_creds(fx, out, err);
    if (!imds_disabled()) {
        st = pp_cr_imds_creds(fx, out, &e);
        if (st == PP_OK || (st != PP_E_HTTP && st != PP_E_NOTFOUND)) {
            if (st != PP_OK)
                pp_err(err, st, "%s", e ? e : "");
            free(e);
            return st;
        }
    }
    st = pp_err(err, PP_E_NOTFOUND, "no AWS credentials found: tried the environment, "
                "profile '%s' (%s, %s), the container endpoint and %s%s%s", s->profile,
                s->config_path, s->creds_path,
                imds_disabled() ? "not instance metadata (AWS_EC2_METADATA_DISABLED)"
                                : "instance metadata",
                e ? ": " : "", e ? e : "");
    free(e);
    return st;
}

pp_status pp_aws_session_creds(pp_aws_session *s, pp_http_client *http, pp_aws_creds *out,
                               char **err)
{
    memset(out, 0, sizeof *out);
    time_t now = time(NULL);
    if (s->cur.ak && (s->cur.exp == 0 || now + PP_CREDS_REFRESH_S < s->cur.exp))
        goto have;
    pp_cr_fetch fx = { s, http, NULL };
    pp_cr_tcreds fresh = { 0 };
    char *e = NULL;
    s->fetches++;
    pp_status st = run_chain(&fx, &fresh, &e);
    if (st != PP_OK) {
        free(fx.how);
        if (s->cur.ak && now < s->cur.exp) {
            free(e);   /* the old ones are still good for a while */
            goto have;
        }
        pp_err(err, st, "%s", e ? e : pp_status_name(st));
        free(e);
        return st;
    }
    pp_cr_tcreds_free(&s->cur);
    s->cur = fresh;
    snprintf(s->source, sizeof s->source, "%s", fx.how ? fx.how : "");
    free(fx.how);
have:
    out->access_key_id = s->cur.ak;
    out->secret_access_key = s->cur.sk;
    out->session_token = s->cur.tok;
    return PP_OK;
}

