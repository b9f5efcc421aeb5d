/* check_walk.c — see check_walk.h. */
#include "hooks/check_walk.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int pp_check_is_dir(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int has_ext(const char *name)
{
    static const char *const exts[] = { ".json", ".yaml", ".yml", ".template" };
    size_t n = strlen(name);
    for (size_t i = 0; i < PP_ARRAY_LEN(exts); i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return 1;
    }
    return 0;
}

/* rel: the path relative to the folder walked; is_dir: the entry is a folder. */
static int excluded(const json_t *exclude, const char *rel, int is_dir)
{
    size_t i;
    json_t *v;
    json_array_foreach(exclude, i, v) {
        const char *pat = json_string_value(v);
        if (!pat || !*pat)
            continue;
        size_t pl = strlen(pat);
        if (pat[pl - 1] == '/') {
            if (!is_dir)
                continue;
            char *p = strndup(pat, pl - 1);
            int m = p && fnmatch(p, rel, 0) == 0;
            free(p);
            if (m)
                return 1;
        } else if (fnmatch(pat, rel, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

static int push(pp_strvec *out, size_t max, char *path)
{
    if (!path)
        return -1;
    if (out->n >= max) {
        fprintf(stderr, "parapet check: too many templates (at most %zu)\n", max);
        free(path);
        return -1;
    }
    if (pp_strvec_push(out, path) != 0) {
        free(path);
        return -1;
    }
    return 0;
}

/* The stack templates a cloud assembly's manifest lists (nested assemblies followed). */
static int walk_assembly(const char *dir, size_t max, pp_strvec *out, int depth)
{
    char *mpath = pp_asprintf("%s/manifest.json", dir);
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    if (!mpath || pp_read_file(mpath, PP_WALK_MAX_MANIFEST, &buf, &len, &err) != PP_OK) {
        fprintf(stderr, "parapet check: %s: %s\n", mpath ? mpath : dir,
                err ? err : "cannot read");
        free(err);
        free(mpath);
        return -1;
    }
    json_error_t je;
    json_t *m = json_loadb(buf, len, 0, &je);
    free(buf);
    json_t *arts = json_object_get(m, "artifacts");
    if (!json_is_object(arts)) {
        fprintf(stderr, "parapet check: %s:%d:%d: expected a CDK cloud assembly manifest with "
                        "an artifacts map\n", mpath, m ? 1 : je.line, m ? 1 : je.column);
        json_decref(m);
        free(mpath);
        return -1;
    }
    int rc = 0;
    const char *k;
    json_t *a;
    json_object_foreach(arts, k, a) {
        const char *type = json_string_value(json_object_get(a, "type"));
        json_t *props = json_object_get(a, "properties");
        if (type && strcmp(type, "aws:cloudformation:stack") == 0) {
            const char *tf = json_string_value(json_object_get(props, "templateFile"));
            if (tf && !strstr(tf, "..") && tf[0] != '/' &&
                (rc = push(out, max, pp_asprintf("%s/%s", dir, tf))) != 0)
                break;
        } else if (type && strcmp(type, "cdk:cloud-assembly") == 0 && depth < PP_WALK_MAX_DEPTH) {
            const char *sub = json_string_value(json_object_get(props, "directoryName"));
            if (sub && !strstr(sub, "..") && sub[0] != '/') {
                char *sd = pp_asprintf("%s/%s", dir, sub);
                rc = sd ? walk_assembly(sd, max, out, depth + 1) : -1;
                free(sd);
                if (rc)
                    break;
            }
        }
    }
    json_decref(m);
    free(mpath);
    return rc;
}

static int is_assembly(const char *dir)
{
    char *p = pp_asprintf("%s/manifest.json", dir);
    char *q = pp_asprintf("%s/tree.json", dir);
    struct stat sb;
    int yes = p && q && stat(p, &sb) == 0 && S_ISREG(sb.st_mode) &&
              (strcmp(strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir, "cdk.out") == 0 ||
               stat(q, &sb) == 0);
    free(p);
    free(q);
    return yes;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *root, const char *rel, const json_t *exclude, size_t max,
                pp_strvec *out, int depth)
{
    char *dir = *rel ? pp_asprintf("%s/%s", root, rel) : pp_strdup(root);
    if (!dir)
        return -1;
    if (is_assembly(dir)) {
        int rc = walk_assembly(dir, max, out, 0);
        free(dir);
        return rc;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "parapet check: %s: cannot open the folder\n", dir);
        free(dir);
        return -1;
    }
    pp_strvec names = {0};
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "node_modules") == 0)
            continue;   /* hidden files and folders (.git, .aws-sam), dependencies */
        char *n = pp_strdup(e->d_name);
        if (!n || pp_strvec_push(&names, n) != 0) {
            free(n);
            rc = -1;
            break;
        }
    }
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, cmp_name);
    for (size_t i = 0; rc == 0 && i < names.n; i++) {
        char *r = *rel ? pp_asprintf("%s/%s", rel, names.v[i]) : pp_strdup(names.v[i]);
        char *full = r ? pp_asprintf("%s/%s", root, r) : NULL;
        if (!full) {
            free(r);
            rc = -1;
            break;
        }
        int isdir = pp_check_is_dir(full);
        if (excluded(exclude, r, isdir)) {
            /* left out by the configuration */
        } else if (isdir) {
            if (depth >= PP_WALK_MAX_DEPTH) {
                fprintf(stderr, "parapet check: %s: folders nested deeper than %d are not "
                                "walked\n", full, PP_WALK_MAX_DEPTH);
            } else {
                rc = walk(root, r, exclude, max, out, depth + 1);
            }
        } else if (has_ext(names.v[i])) {
            rc = push(out, max, full);
            full = NULL;
        }
        free(full);
        free(r);
    }
    pp_strvec_free(&names);
    free(dir);
    return rc;
}

int pp_check_walk(const char *dir, const json_t *exclude, size_t max, pp_strvec *out)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    char *root = strndup(dir, n);
    if (!root)
        return -1;
    int rc = walk(root, "", json_is_array(exclude) ? exclude : NULL, max, out, 0);
    free(root);
    return rc;
}

/* A line (YAML) or a member (JSON) that starts a top-level key named key. */
static int top_key(const char *buf, size_t len, const char *key)
{
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl < len; i++) {
        if (memcmp(buf + i, key, kl) != 0)
            continue;
        char before = i ? buf[i - 1] : '\n';
        char after = buf[i + kl];
        if (before == '\n' && (after == ':' || after == ' '))
            return 1;   /* YAML, at column 1 */
        if (before == '"' && after == '"')
            return 1;   /* JSON; nesting is not checked: a hint, not a parse */
    }
    return 0;
}

int pp_check_looks_like_template(const char *buf, size_t len)
{
    if (len > 65536)
        len = 65536;
    return top_key(buf, len, "Resources") || top_key(buf, len, "AWSTemplateFormatVersion");
}
