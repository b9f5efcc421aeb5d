/* check_walk.h — `parapet check DIR`: the templates of a folder.
 *
 * A folder given to `check` is walked (sorted, depth-first) for *.json, *.yaml, *.yml and
 * *.template files. Hidden files and folders (.git, .aws-sam: SAM's build copies) and
 * node_modules are not entered. A
 * `cdk.out` folder (any folder holding a CDK cloud assembly's manifest.json) contributes only
 * the stack templates its manifest lists (artifacts of type aws:cloudformation:stack, their
 * properties.templateFile; nested assemblies followed), never its asset and tree files. Paths
 * matching an `exclude` glob of the configuration (relative to the folder walked, fnmatch
 * without FNM_PATHNAME so `*` crosses '/'; a pattern ending in '/' excludes a folder) are left
 * out. A file found by the walk that does not look like a CloudFormation template (no top-level
 * Resources or AWSTemplateFormatVersion key) is skipped with a note; a file named on the command
 * line is always checked.
 */
#ifndef PP_CHECK_WALK_H
#define PP_CHECK_WALK_H

#include <jansson.h>
#include <stddef.h>

#include "engine/base/util.h"

#define PP_WALK_MAX_DEPTH 32
#define PP_WALK_MAX_MANIFEST (8u << 20)   /* bytes of a cdk.out manifest.json */

/* Appends the template paths under dir to out (malloc'd strings, taken by out), at most
 * `max` in all (out->n counts). `exclude` is the configuration's list (may be NULL). Returns 0,
 * or -1 with a message printed (unreadable folder, bad manifest, too many files). */
int pp_check_walk(const char *dir, const json_t *exclude, size_t max, pp_strvec *out);

/* 1 when dir names a folder. */
int pp_check_is_dir(const char *path);

/* 1 when buf looks like a CloudFormation template: a top-level Resources or
 * AWSTemplateFormatVersion key (JSON or YAML, first 64 KiB). */
int pp_check_looks_like_template(const char *buf, size_t len);

#endif
