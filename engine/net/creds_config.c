/* creds_config.c — the shared config and credentials files (INI, profiles, sections) and
 * credential timestamps (creds.h, creds_int.h). */
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

/* ---- time ------------------------------------------------------------------------------ */

int pp_creds_parse_time(const char *s, time_t *out)
{
    if (!s)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        return -1;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long off = 0;
    if (*p == 'Z' || strcmp(p, "UTC") == 0) {
        p += *p == 'Z' ? 1 : 3;
    } else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
               isdigit((unsigned char)p[2]) && p[3] == ':' && isdigit((unsigned char)p[4]) &&
               isdigit((unsigned char)p[5])) {
        off = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600L + ((p[4] - '0') * 10 + (p[5] - '0')) * 60L;
        if (*p == '-')
            off = -off;
        p += 6;
    } else if (*p != '\0') {
        return -1;
    }
    if (*p != '\0')
        return -1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *out = t - off;
    return 0;
}

/* ---- the INI files --------------------------------------------------------------------- */

char *pp_cr_expand_home(const char *path)
{
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
        const char *home = pp_cr_env("HOME");
        return pp_asprintf("%s%s", home ? home : "", path + 1);
    }
    return pp_strdup(path);
}

char *pp_cr_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Reads an AWS config or credentials file into *out (see pp_aws_config_parse). A missing
 * file is an empty object. */
pp_status pp_cr_ini_load(const char *path, json_t **out, char **err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    char *e = NULL;
    pp_status st = pp_read_file(path, PP_CREDS_MAX_FILE, &buf, &len, &e);
    if (st == PP_E_NOTFOUND || (st == PP_E_IO && access(path, F_OK) != 0)) {
        free(e);
        *out = json_object();
        return *out ? PP_OK : pp_err(err, PP_E_NOMEM, "out of memory");
    }
    if (st != PP_OK) {
        if (st == PP_E_LIMIT)
            pp_err(err, st, "%s: larger than %u bytes", path, PP_CREDS_MAX_FILE);
        else
            pp_err(err, st, "%s", e ? e : path);
        free(e);
        return st;
    }
    st = pp_aws_config_parse(path, buf, len, out, err);
    explicit_bzero(buf, len);
    free(buf);
    return st;
}

pp_status pp_aws_config_parse(const char *path, const char *text, size_t len, json_t **out,
                              char **err)
{
    *out = NULL;
    if (len > PP_CREDS_MAX_FILE)
        return pp_err(err, PP_E_LIMIT, "%s: larger than %u bytes", path, PP_CREDS_MAX_FILE);
    if (memchr(text, '\0', len))
        return pp_err(err, PP_E_PARSE, "%s: contains a NUL byte; expected a text file", path);
    char *buf = malloc(len + 1);
    *out = json_object();
    if (!buf || !*out) {
        free(buf);
        json_decref(*out);
        *out = NULL;
        return pp_err(err, PP_E_NOMEM, "out of memory");
    }
    memcpy(buf, text, len);
    buf[len] = '\0';
    pp_status st = PP_OK;
    json_t *sec = NULL;
    size_t nsec = 0;
    unsigned line = 0;
    char *p = buf;
    while (st == PP_OK && *p) {
        line++;
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(p);
        char *next = nl ? nl + 1 : p + ll;
        if (ll > PP_CREDS_MAX_LINE) {
            st = pp_err(err, PP_E_LIMIT, "%s:%u: line longer than %d bytes", path, line,
                        PP_CREDS_MAX_LINE);
            break;
        }
        int indented = p[0] == ' ' || p[0] == '\t';
        char *t = pp_cr_trim(p);
        if (!*t || *t == '#' || *t == ';' || indented) {
            p = next;
            continue;
        }
        if (*t == '[') {
            size_t tl = strlen(t);
            if (tl < 3 || t[tl - 1] != ']') {
                st = pp_err(err, PP_E_PARSE, "%s:%u: expected '[section name]'", path, line);
                break;
            }
            t[tl - 1] = '\0';
            char *name = pp_cr_trim(t + 1);
            if (!*name) {
                st = pp_err(err, PP_E_PARSE, "%s:%u: expected a section name inside [ ]", path,
                            line);
                break;
            }
            sec = json_object_get(*out, name);
            if (!sec) {
                if (++nsec > PP_CREDS_MAX_SECTIONS) {
                    st = pp_err(err, PP_E_LIMIT, "%s:%u: more than %d sections", path, line,
                                PP_CREDS_MAX_SECTIONS);
                    break;
                }
                sec = json_object();
                if (!sec || json_object_set_new(*out, name, sec) != 0) {   /* steals sec */
                    st = pp_err(err, sec ? PP_E_PARSE : PP_E_NOMEM, sec
                                ? "%s:%u: the section name is not UTF-8" : "out of memory",
                                path, line);
                    break;
                }
            }
            p = next;
            continue;
        }
        char *eq = strchr(t, '=');
        if (!eq)
            eq = strchr(t, ':');
        if (!eq) {
            st = pp_err(err, PP_E_PARSE, "%s:%u: expected '[section]' or 'key = value'", path,
                        line);
            break;
        }
        *eq = '\0';
        char *k = pp_cr_trim(t), *v = pp_cr_trim(eq + 1);
        if (!*k) {
            st = pp_err(err, PP_E_PARSE, "%s:%u: expected a key before '='", path, line);
            break;
        }
        if (!sec) {
            st = pp_err(err, PP_E_PARSE, "%s:%u: a key is outside any [section]", path, line);
            break;
        }
        for (char *c = k; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        json_t *js = json_stringn(v, strlen(v));
        if (!js) {   /* not UTF-8 */
            st = pp_err(err, PP_E_PARSE, "%s:%u: a value is not UTF-8", path, line);
            break;
        }
        if (json_object_set_new(sec, k, js) != 0) {   /* steals js */
            st = pp_err(err, PP_E_PARSE, "%s:%u: the key is not UTF-8", path, line);
            break;
        }
        p = next;
    }
    explicit_bzero(buf, len);
    free(buf);
    if (st != PP_OK) {
        json_decref(*out);
        *out = NULL;
    }
    return st;
}

/* The config file's section of profile `name`: [default] / [profile default] / [profile N]. */
static json_t *config_section(const pp_aws_session *s, const char *name)
{
    char key[300];
    snprintf(key, sizeof key, "profile %s", name);
    json_t *o = json_object_get(s->config, key);
    if (!o && strcmp(name, "default") == 0)
        o = json_object_get(s->config, "default");
    return o;
}

int pp_cr_profile_exists(const pp_aws_session *s, const char *name)
{
    return config_section(s, name) || json_object_get(s->credentials, name);
}

/* A profile setting: the credentials file first, then the config file (the CLI merges them
 * with the credentials file winning). Borrowed, or NULL when unset or empty. */
const char *pp_cr_pget(const pp_aws_session *s, const char *name, const char *key)
{
    const char *v = json_string_value(json_object_get(json_object_get(s->credentials, name),
                                                      key));
    if (!v || !*v)
        v = json_string_value(json_object_get(config_section(s, name), key));
    return v && *v ? v : NULL;
}

