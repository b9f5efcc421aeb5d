/* creds_process.c — credentials from a program (credential_process, run without a shell)
 * and from IAM Identity Center's token cache (creds.h, creds_int.h). */
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

/* ---- credential_process ---------------------------------------------------------------- */

int pp_creds_split_command(const char *cmd, pp_strvec *out, char **err)
{
    memset(out, 0, sizeof *out);
    pp_buf w;
    int in_word = 0;
    pp_buf_init(&w, PP_CREDS_MAX_LINE);
    for (const char *p = cmd;; p++) {
        char c = *p;
        if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                char *s = pp_buf_steal(&w);
                if (!s || pp_strvec_push(out, s) != 0) {
                    free(s);
                    goto nomem;
                }
                pp_buf_init(&w, PP_CREDS_MAX_LINE);
                in_word = 0;
            }
            if (c == '\0')
                break;
            continue;
        }
        in_word = 1;
        if (c == '\'') {
            const char *q = strchr(p + 1, '\'');
            if (!q)
                goto unterminated;
            pp_buf_append(&w, p + 1, (size_t)(q - p - 1));
            pp_buf_append(&w, "", 0);
            p = q;
        } else if (c == '"') {
            for (p++; *p && *p != '"'; p++) {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$' || p[1] == '`'))
                    p++;
                pp_buf_append(&w, p, 1);
            }
            if (!*p)
                goto unterminated;
            pp_buf_append(&w, "", 0);
        } else if (c == '\\') {
            if (p[1]) {
                p++;
                pp_buf_append(&w, p, 1);
            }
        } else {
            pp_buf_append(&w, p, 1);
        }
    }
    pp_buf_free(&w);
    if (!out->n) {
        pp_strvec_free(out);
        pp_err(err, PP_E_PARSE, "credential_process is empty");
        return -1;
    }
    return 0;
unterminated:
    pp_buf_free(&w);
    pp_strvec_free(out);
    pp_err(err, PP_E_PARSE, "credential_process: unterminated quote");
    return -1;
nomem:
    pp_buf_free(&w);
    pp_strvec_free(out);
    pp_err(err, PP_E_NOMEM, "out of memory");
    return -1;
}

/* Runs argv without a shell; its stdout into *out (capped), stderr inherited. */
static pp_status run_process(char **argv, const char *what, char **out, char **err)
{
    *out = NULL;
    int fd[2];
    if (pipe(fd) != 0)
        return pp_err(err, PP_E_IO, "%s: pipe: %s", what, strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return pp_err(err, PP_E_IO, "%s: fork: %s", what, strerror(errno));
    }
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, STDIN_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    pp_buf b;
    pp_buf_init(&b, PP_CREDS_MAX_PROCESS_OUT);
    pp_status st = PP_OK;
    uint64_t deadline = pp_now_ms() + PP_CREDS_PROCESS_TIMEOUT_MS;
    for (;;) {
        uint64_t now = pp_now_ms();
        if (now >= deadline) {
            st = pp_err(err, PP_E_HTTP, "%s: no answer within %d s", what,
                        PP_CREDS_PROCESS_TIMEOUT_MS / 1000);
            break;
        }
        struct pollfd pf = { fd[0], POLLIN, 0 };
        int pr = poll(&pf, 1, (int)(deadline - now));
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        char tmp[4096];
        ssize_t n = read(fd[0], tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        pp_status a = pp_buf_append(&b, tmp, (size_t)n);
        explicit_bzero(tmp, sizeof tmp);
        if (a != PP_OK) {
            st = pp_err(err, a, a == PP_E_LIMIT ? "%s: more than %u bytes of output" : "%s: out of "
                        "memory", what, PP_CREDS_MAX_PROCESS_OUT);
            break;
        }
    }
    close(fd[0]);
    int wst = 0;
    if (st != PP_OK)
        kill(pid, SIGKILL);
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    if (st == PP_OK && WIFEXITED(wst) && WEXITSTATUS(wst) == 127 && !b.len)
        st = pp_err(err, PP_E_NOTFOUND, "%s: cannot run '%.200s'", what, argv[0]);
    else if (st == PP_OK && (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0))
        st = pp_err(err, PP_E_IO, "%s: '%.200s' exited with status %d", what, argv[0],
                    WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst));
    if (st == PP_OK && !b.data)
        pp_buf_append(&b, "", 0);
    if (st == PP_OK && !(*out = pp_buf_steal(&b)))
        st = pp_err(err, PP_E_NOMEM, "out of memory");
    if (b.data)
        explicit_bzero(b.data, b.len);
    pp_buf_free(&b);
    return st;
}

pp_status pp_cr_process_creds(pp_cr_fetch *fx, const char *profile, const char *cmd,
                               pp_cr_tcreds *out, char **err)
{
    (void)fx;
    char what[300];
    snprintf(what, sizeof what, "credential_process of profile %s", profile);
    pp_strvec av;
    char *e = NULL;
    if (pp_creds_split_command(cmd, &av, &e) != 0) {
        pp_status st = pp_err(err, PP_E_PARSE, "profile %s: %s", profile, e ? e : "bad command");
        free(e);
        return st;
    }
    char *text = NULL;
    pp_status st = run_process(av.v, what, &text, err);
    pp_strvec_free(&av);
    if (st != PP_OK)
        return st;
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    size_t tl = strlen(text);
    explicit_bzero(text, tl);
    free(text);
    if (!j || !json_is_object(j)) {
        /* the output is never quoted: it may hold the secret */
        st = j ? pp_err(err, PP_E_PARSE, "%s: expected a JSON object on stdout", what)
               : pp_err(err, PP_E_PARSE, "%s: the output is not JSON (line %d, column %d: "
                        "%.100s); expected {\"Version\": 1, \"AccessKeyId\": …}", what, je.line,
                        je.column, je.text);
        json_decref(j);
        return st;
    }
    json_t *v = json_object_get(j, "Version");
    const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    const char *tk = json_string_value(json_object_get(j, "SessionToken"));
    json_t *exj = json_object_get(j, "Expiration");
    time_t exp = 0;
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        st = pp_err(err, PP_E_PARSE, "%s: expected \"Version\": 1", what);
    else if (!ak || !*ak || !sk || !*sk)
        st = pp_err(err, PP_E_PARSE, "%s: expected AccessKeyId and SecretAccessKey strings",
                    what);
    else if (exj && !json_is_null(exj) &&
             pp_creds_parse_time(json_string_value(exj), &exp) != 0)
        st = pp_err(err, PP_E_PARSE, "%s: Expiration is not an ISO 8601 time", what);
    else
        st = pp_cr_tcreds_set(out, ak, sk, tk, exp, err);
    json_decref(j);
    return st;
}

/* ---- IAM Identity Center (SSO) --------------------------------------------------------- */

pp_status pp_cr_sso_creds(pp_cr_fetch *fx, const char *profile, pp_cr_tcreds *out, char **err)
{
    const pp_aws_session *s = fx->s;
    const char *sess = pp_cr_pget(s, profile, "sso_session");
    const char *start = pp_cr_pget(s, profile, "sso_start_url");
    const char *region = pp_cr_pget(s, profile, "sso_region");
    const char *account = pp_cr_pget(s, profile, "sso_account_id");
    const char *role = pp_cr_pget(s, profile, "sso_role_name");
    char key[300];
    if (sess) {
        snprintf(key, sizeof key, "sso-session %s", sess);
        json_t *ss = json_object_get(s->config, key);
        if (!ss)
            return pp_err(err, PP_E_PARSE, "%s: profile %s names sso_session %s, but there is "
                          "no [sso-session %s] section", s->config_path, profile, sess, sess);
        const char *r2 = json_string_value(json_object_get(ss, "sso_region"));
        if (r2 && *r2)
            region = r2;
        const char *u2 = json_string_value(json_object_get(ss, "sso_start_url"));
        if (u2 && *u2)
            start = u2;
    }
    if (!account || !role || !region)
        return pp_err(err, PP_E_PARSE, "%s: profile %s: SSO needs sso_account_id, "
                      "sso_role_name and sso_region", s->config_path, profile);
    char hash[41];
    const char *name = sess ? sess : start;
    if (!name)
        return pp_err(err, PP_E_PARSE, "%s: profile %s: SSO needs sso_session or "
                      "sso_start_url", s->config_path, profile);
    pp_sha1_hex(name, strlen(name), hash);
    const char *home = pp_cr_env("HOME");
    char *cache = pp_asprintf("%s/.aws/sso/cache/%s.json", home ? home : "", hash);
    if (!cache)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    char login[400];
    snprintf(login, sizeof login, "run `aws sso login --profile %s`", profile);
    json_error_t je;
    json_t *tokj = json_load_file(cache, 0, &je);
    pp_status st = PP_OK;
    const char *token = json_string_value(json_object_get(tokj, "accessToken"));
    const char *exps = json_string_value(json_object_get(tokj, "expiresAt"));
    time_t texp = 0;
    if (!tokj) {
        st = pp_err(err, PP_E_DENIED, "profile %s: no SSO token in %s: %s (parapet never "
                    "starts a login)", profile, cache, login);
    } else if (!token || !*token || !exps || pp_creds_parse_time(exps, &texp) != 0) {
        st = pp_err(err, PP_E_PARSE, "%s: expected accessToken and expiresAt", cache);
    } else if (texp <= time(NULL)) {
        st = pp_err(err, PP_E_DENIED, "profile %s: the SSO session has expired: %s", profile,
                    login);
    }
    char *base = NULL, *url = NULL, *hdr = NULL, *ea = NULL, *er = NULL;
    json_t *ans = NULL;
    if (st == PP_OK) {
        base = pp_aws_endpoint_for(PP_SVC_SSO, region, NULL, NULL);
        ea = pp_uri_encode(account, strlen(account));
        er = pp_uri_encode(role, strlen(role));
        url = base && ea && er ? pp_asprintf("%s/federation/credentials?account_id=%s&"
                                             "role_name=%s", base, ea, er) : NULL;
        hdr = pp_asprintf("x-amz-sso_bearer_token: %s", token);
        if (!url || !hdr)
            st = pp_err(err, PP_E_NOMEM, "out of memory");
        else if (strpbrk(token, "\r\n"))
            st = pp_err(err, PP_E_PARSE, "%s: accessToken has a line break", cache);
    }
    if (st == PP_OK) {
        const char *h[1] = { hdr };
        long status = 0;
        char *e = NULL;
        st = pp_cr_http_get_json(fx->http, url, h, 1, STS_TIMEOUT_MS, "SSO GetRoleCredentials",
                                 &ans,
                           &status, &e);
        if (st != PP_OK && (status == 401 || status == 403))
            pp_err(err, PP_E_DENIED, "profile %s: the SSO portal refused the token (HTTP %ld): "
                   "%s", profile, status, login);
        else if (st != PP_OK)
            pp_err(err, st, "%s", e ? e : "");
        free(e);
    }
    if (st == PP_OK) {
        json_t *rc = json_object_get(ans, "roleCredentials");
        const char *ak = json_string_value(json_object_get(rc, "accessKeyId"));
        const char *sk = json_string_value(json_object_get(rc, "secretAccessKey"));
        const char *tk = json_string_value(json_object_get(rc, "sessionToken"));
        json_t *ex = json_object_get(rc, "expiration");   /* milliseconds since the epoch */
        if (!ak || !sk || !json_is_integer(ex))
            st = pp_err(err, PP_E_PARSE, "SSO GetRoleCredentials: the answer lacks "
                        "roleCredentials");
        else
            st = pp_cr_tcreds_set(out, ak, sk, tk, (time_t)(json_integer_value(ex) / 1000), err);
    }
    pp_cr_set_how(fx, pp_asprintf("profile %s (SSO %.100s, role %.100s)", profile, account, role));
    json_decref(ans);
    json_decref(tokj);
    pp_cr_wipe(hdr);
    free(base);
    free(url);
    free(ea);
    free(er);
    free(cache);
    return st;
}

