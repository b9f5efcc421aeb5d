/* rules_int.h — private to the rule loader's files (rules.c, rules_meta.c). */
#ifndef PP_RULES_INT_H
#define PP_RULES_INT_H

#include <lua.h>

#include "engine/eval_int.h"
#include "engine/rules_catalog.h"

/* Frees a NULL-terminated vector of strings (NULL is a no-op). */
void pp_rules_free_strv(char **v);

/* Raw field k of the table at idx (no metamethods run); its type. [-0, +1, -] */
int pp_rules_rawfield(lua_State *L, int idx, const char *k);

/* Reads the rule table on top of the stack into r (pops it), with the catalogue row of its id
 * merged (cat may be NULL), under lua_pcall. PP_E_RULE with *err "FILE: expected …" on bad
 * metadata, PP_E_NOMEM when out of memory. */
pp_status pp_rules_read_table(lua_State *L, const char *file, const pp_catalog *cat, pp_rule *r,
                              char **err);

/* 0 when a rule file with text src cannot be kept by o's --pack/--only selection: its text
 * (and the catalogue row of the id it declares) names no selected pack or matching id or
 * control. 1 when it may. */
int pp_rules_text_may_be_selected(const char *src, const pp_catalog *cat,
                                  const pp_rules_opts *o);

#endif
