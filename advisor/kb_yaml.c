/* kb_yaml.c — libyaml event stream → jansson values for KB entries (see kb_yaml.h).
 * Recursive descent over parser events; depth and node counts are capped.
 */
#include "advisor/kb_yaml.h"

#include <string.h>
#include <yaml.h>

#include "engine/util.h"

typedef struct yctx {
    yaml_parser_t p;
    const char *name;
    size_t nodes;
    pp_status st;
    char **err;
    json_t *lines;     /* top-level key → line */
} yctx;

static int next(yctx *c, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&c->p, ev)) {
        c->st = pp_err(c->err, PP_E_PARSE, "%s:%zu: expected valid YAML: %s", c->name,
                       c->p.problem_mark.line + 1, c->p.problem ? c->p.problem : "parse error");
        return -1;
    }
    return 0;
}

static json_t *fail(yctx *c, pp_status st, size_t line, const char *what)
{
    c->st = pp_err(c->err, st, "%s:%zu: %s", c->name, line, what);
    return NULL;
}

static json_t *node(yctx *c, yaml_event_t *ev, int depth);

static json_t *collection(yctx *c, yaml_event_t *start, int depth)
{
    int is_map = start->type == YAML_MAPPING_START_EVENT;
    json_t *out = is_map ? json_object() : json_array();
    if (!out)
        return fail(c, PP_E_NOMEM, start->start_mark.line + 1, "out of memory");
    for (;;) {
        yaml_event_t ev;
        if (next(c, &ev) != 0)
            goto bad;
        if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return out;
        }
        if (!is_map) {
            json_t *v = node(c, &ev, depth + 1);
            yaml_event_delete(&ev);
            if (!v || json_array_append_new(out, v) != 0)
                goto bad;
            continue;
        }
        if (ev.type != YAML_SCALAR_EVENT) {
            fail(c, PP_E_PARSE, ev.start_mark.line + 1, "expected a plain key");
            yaml_event_delete(&ev);
            goto bad;
        }
        size_t kline = ev.start_mark.line + 1;
        char *key = pp_strdup((const char *)ev.data.scalar.value);
        yaml_event_delete(&ev);
        if (!key) {
            fail(c, PP_E_NOMEM, kline, "out of memory");
            goto bad;
        }
        if (json_object_get(out, key)) {
            char *m = pp_asprintf("expected unique keys, \"%s\" appears twice", key);
            fail(c, PP_E_PARSE, kline, m ? m : "duplicate key");
            free(m);
            free(key);
            goto bad;
        }
        yaml_event_t vev;
        if (next(c, &vev) != 0) {
            free(key);
            goto bad;
        }
        json_t *v = node(c, &vev, depth + 1);
        yaml_event_delete(&vev);
        if (!v || json_object_set_new(out, key, v) != 0) {
            free(key);
            goto bad;
        }
        if (depth == 0 && c->lines)
            json_object_set_new(c->lines, key, json_integer((json_int_t)kline));
        free(key);
    }
bad:
    json_decref(out);
    return NULL;
}

static json_t *node(yctx *c, yaml_event_t *ev, int depth)
{
    size_t line = ev->start_mark.line + 1;
    if (++c->nodes > PP_KB_YAML_MAX_NODES)
        return fail(c, PP_E_LIMIT, line, "more YAML nodes than the KB limit");
    if (depth > PP_KB_YAML_MAX_DEPTH)
        return fail(c, PP_E_LIMIT, line, "YAML nested deeper than the KB limit");
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        if (ev->data.scalar.tag)
            return fail(c, PP_E_PARSE, line, "expected a scalar without a tag");
        json_t *s = json_stringn((const char *)ev->data.scalar.value, ev->data.scalar.length);
        return s ? s : fail(c, PP_E_PARSE, line, "expected UTF-8 text without NUL bytes");
    }
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        return collection(c, ev, depth);
    case YAML_ALIAS_EVENT:
        return fail(c, PP_E_PARSE, line, "expected no aliases in a KB entry");
    default:
        return fail(c, PP_E_PARSE, line, "expected a value");
    }
}

json_t *pp_kb_yaml_load(const char *name, const char *buf, size_t len, json_t **lines,
                        pp_status *st, char **err)
{
    yctx c = {.name = name, .st = PP_OK, .err = err};
    json_t *root = NULL;
    *lines = json_object();
    c.lines = *lines;
    if (!c.lines || !yaml_parser_initialize(&c.p)) {
        json_decref(*lines);
        *lines = NULL;
        *st = pp_err(err, PP_E_NOMEM, "%s: out of memory", name);
        return NULL;
    }
    yaml_parser_set_input_string(&c.p, (const unsigned char *)buf, len);
    yaml_event_t ev;
    int docs = 0;
    for (;;) {
        if (next(&c, &ev) != 0)
            break;
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_START_EVENT ||
            t == YAML_DOCUMENT_END_EVENT) {
            if (t == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
                fail(&c, PP_E_PARSE, ev.start_mark.line + 1, "expected one entry per file");
                yaml_event_delete(&ev);
                break;
            }
            yaml_event_delete(&ev);
            continue;
        }
        root = node(&c, &ev, 0);
        yaml_event_delete(&ev);
        if (!root)
            break;
    }
    yaml_parser_delete(&c.p);
    if (c.st != PP_OK) {
        json_decref(root);
        json_decref(*lines);
        *lines = NULL;
        *st = c.st;
        return NULL;
    }
    if (!root) {
        json_decref(*lines);
        *lines = NULL;
        *st = pp_err(err, PP_E_PARSE, "%s:1: expected a KB entry (a mapping), got nothing", name);
        return NULL;
    }
    *st = PP_OK;
    return root;
}
