/* cli_common.c — option handling shared by the front ends: rule selection (--rules, --pack,
 * --only, --config, --unknown), the built-in rules folder and configuration lookup. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/doc.h"
#include "engine/rules_cache.h"
#include "engine/base/util.h"
#include "hooks/cli.h"

#ifndef PP_PREFIX
#define PP_PREFIX "/usr/local"
#endif

int pp_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "parapet %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The folder of the running binary into dir (PATH_MAX bytes); 0, or -1 when unknown. */
static int exe_dir(char *dir)
{
    ssize_t n = readlink("/proc/self/exe", dir, PATH_MAX - 1);
    if (n <= 0)
        return -1;
    dir[n] = '\0';
    char *slash = strrchr(dir, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return 0;
}

const char *pp_cli_builtin_rules(void)
{
    static char found[PATH_MAX + 64];
    const char *env = getenv("PARAPET_RULES");
    if (env && *env)
        return env;
    char exe[PATH_MAX];
    if (exe_dir(exe) == 0) {
        /* build/parapet, build/asan/parapet, PREFIX/bin/parapet */
        const char *cands[] = {"../rules", "../../rules", "../share/parapet/rules"};
        for (size_t i = 0; i < PP_ARRAY_LEN(cands); i++) {
            snprintf(found, sizeof found, "%s/%s", exe, cands[i]);
            if (is_dir(found))
                return found;
        }
    }
    snprintf(found, sizeof found, "%s/share/parapet/rules", PP_PREFIX);
    return is_dir(found) ? found : NULL;
}

int pp_cli_color(int fd)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    if (nc && *nc)
        return 0;   /* no-color.org: any non-empty value */
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fd);
}

char *pp_cli_data_file(const char *name)
{
    char exe[PATH_MAX];
    if (exe_dir(exe) == 0) {
        /* build/NAME beside build/parapet; PREFIX/share/parapet/NAME for PREFIX/bin/parapet,
         * wherever PREFIX is (a relocated tree, or a PREFIX other than the compiled one) */
        const char *cands[] = {"", "/../share/parapet"};
        for (size_t i = 0; i < PP_ARRAY_LEN(cands); i++) {
            char *p = pp_asprintf("%s%s/%s", exe, cands[i], name);
            if (p && access(p, R_OK) == 0)
                return p;
            free(p);
        }
    }
    return pp_asprintf("%s/share/parapet/%s", PP_PREFIX, name);
}

int pp_cli_sel_opt(void *sel, const pp_opts *p)
{
    pp_cli_sel *s = sel;
    switch (p->id) {
    case PP_O_RULES: return pp_opts_push(p, s->dirs, &s->ndirs, PP_CLI_MAX_LIST);
    case PP_O_PACK: return pp_opts_push(p, s->packs, &s->npacks, PP_CLI_MAX_LIST);
    case PP_O_ONLY: return pp_opts_push(p, s->only, &s->nonly, PP_CLI_MAX_LIST);
    case PP_O_CONFIG: s->config_path = p->val; return 0;
    case PP_O_RULES_CACHE: s->cache_path = p->val; return 0;
    case PP_O_NO_BUILTIN_RULES: s->no_builtin = 1; return 0;
    case PP_O_NO_RULES_CACHE: s->no_cache = 1; return 0;
    case PP_O_UNKNOWN:   /* the table allows fail, warn and pass only */
        s->unknown = strcmp(p->val, "fail") == 0   ? PP_UNKNOWN_FAIL
                     : strcmp(p->val, "warn") == 0 ? PP_UNKNOWN_WARN
                                                   : PP_UNKNOWN_PASS;
        return 0;
    default:
        return -1;
    }
}

int pp_cli_fail_on(const pp_opts *p, pp_severity *out)
{
    if (pp_severity_parse(p->val, out) != 0)
        return pp_opts_error(p, "%s expects info, low, medium, high or critical, not '%s'",
                             p->name, p->val);
    return 0;
}

/* Looks for .parapet.yaml from the working directory upward. Caller frees. */
static char *find_config(void)
{
    char dir[PATH_MAX];
    if (!getcwd(dir, sizeof dir))
        return NULL;
    for (;;) {
        char *p = pp_asprintf("%s/.parapet.yaml", strcmp(dir, "/") == 0 ? "" : dir);
        if (p && access(p, R_OK) == 0)
            return p;
        free(p);
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    return NULL;
}

/* The built-in rules' cache (`make` builds build/rules.cache, `make install` puts it beside the
 * installed rules): as trusted as the binary, so used without being named — when it is a
 * regular file that only its owner may write and that owner is root or this user (a cache
 * anyone could replace would be a way out of the sandbox). NULL when there is none. */
static char *builtin_cache(void)
{
    char *p = pp_cli_data_file("rules.cache");
    struct stat sb;
    if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && !(sb.st_mode & (S_IWGRP | S_IWOTH)) &&
        (sb.st_uid == 0 || sb.st_uid == geteuid()))
        return p;
    free(p);
    return NULL;
}

pp_ruleset *pp_cli_sel_load(pp_cli_sel *s, const pp_limits *lim)
{
    char *cfg_path = s->config_path ? pp_strdup(s->config_path) : find_config();
    char *err = NULL;
    pp_status st;
    if (cfg_path) {
        char *buf = NULL;
        size_t len = 0;
        st = pp_read_file(cfg_path, 1u << 20, &buf, &len, &err);
        pp_doc *d = st == PP_OK ? pp_doc_load(cfg_path, buf, len, PP_FMT_AUTO, lim, &st, &err)
                                : NULL;
        free(buf);
        if (!d) {
            fprintf(stderr, "parapet: %s\n", err ? err : "cannot read configuration");
            free(err);
            free(cfg_path);
            return NULL;
        }
        if (!json_is_object(d->root) && !json_is_null(d->root)) {
            fprintf(stderr, "parapet: %s:1:1: expected the configuration to be a map\n",
                    cfg_path);
            pp_doc_free(d);
            free(cfg_path);
            return NULL;
        }
        s->config = json_incref(d->root);
        pp_doc_free(d);
        /* packs listed in the configuration as a list select those packs */
        json_t *packs = json_object_get(s->config, "packs");
        if (json_is_array(packs) && s->npacks == 0) {
            for (size_t i = 0; i < json_array_size(packs); i++) {
                const char *p = json_string_value(json_array_get(packs, i));
                if (p && s->npacks < PP_CLI_MAX_LIST)
                    s->packs[s->npacks++] = p;
            }
        }
        json_t *rd = json_object_get(s->config, "rules_dirs");
        for (size_t i = 0; i < json_array_size(rd); i++) {
            const char *p = json_string_value(json_array_get(rd, i));
            if (p && s->ndirs < PP_CLI_MAX_LIST)
                s->dirs[s->ndirs++] = p;
        }
    }
    free(cfg_path);
    size_t nd = 0;
    const char *bi = pp_cli_builtin_rules();
    if (bi && strlen(bi) < sizeof s->builtin) {
        memcpy(s->builtin, bi, strlen(bi) + 1);
        bi = s->builtin;
    } else {
        bi = NULL;
    }
    const char *builtin = s->no_builtin ? NULL : bi;
    if (builtin)
        s->rdirs[nd++] = builtin;
    /* the same folder named twice (--rules rules/ from the source tree) loads once */
    char real[PP_CLI_MAX_LIST + 1][PATH_MAX];
    if (builtin && !realpath(builtin, real[0]))
        real[0][0] = '\0';
    for (size_t i = 0; i < s->ndirs; i++) {
        int dup = 0;
        if (realpath(s->dirs[i], real[nd])) {
            for (size_t k = 0; k < nd && !dup; k++)
                dup = strcmp(real[k], real[nd]) == 0;
        } else {
            real[nd][0] = '\0';
        }
        if (!dup)
            s->rdirs[nd++] = s->dirs[i];
    }
    if (nd == 0) {
        fprintf(stderr, "parapet: no rules: the built-in rules folder was not found "
                        "(set PARAPET_RULES or pass --rules DIR)\n");
        return NULL;
    }
    /* the built-in modules (rules/lib) serve every rule folder, even when the built-in rules
     * themselves are not loaded (rules test DIR, --no-builtin-rules) */
    size_t nlibs = 0;
    if (bi && !builtin)
        s->rlibs[nlibs++] = bi;
    char *dflt = NULL;
    if (!s->cache_path && !s->no_cache && builtin && !getenv("PARAPET_RULES"))
        s->cache_path = dflt = builtin_cache();
    if (dflt && !s->cache && !(s->cache = pp_rules_cache_open(dflt, &st, &err))) {
        free(err);   /* a damaged default cache only costs time: the text is compiled */
        err = NULL;
    }
    if (dflt)
        s->cache_path = NULL;
    if (s->cache)
        s->cache_used = dflt ? dflt : pp_strdup(s->cache_path);
    else
        free(dflt);
    if (s->cache_path && !s->cache &&
        !(s->cache = pp_rules_cache_open(s->cache_path, &st, &err))) {
        fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
        free(err);
        return NULL;
    }
    pp_rules_opts ro = {.dirs = s->rdirs, .ndirs = nd, .packs = s->packs, .npacks = s->npacks,
                        .only = s->only, .nonly = s->nonly, .config = s->config,
                        .lib_dirs = s->rlibs, .nlib_dirs = nlibs, .limits = lim,
                        .cache = s->cache};
    s->opts = ro;
    pp_ruleset *rs = pp_ruleset_load(&ro, &st, &err);
    if (!rs) {
        fprintf(stderr, "parapet: %s\n", err ? err : pp_status_name(st));
        free(err);
    }
    return rs;
}

void pp_cli_sel_free(pp_cli_sel *s)
{
    json_decref(s->config);
    s->config = NULL;
    pp_rules_cache_free(s->cache);
    s->cache = NULL;
    free(s->cache_used);
    s->cache_used = NULL;
}
