/* aws_cfn.c — CloudFormation GetTemplate (aws.h): the submitted template of a stack, for the
 * advisor's live explanation to point at the line that failed. */
#include "engine/net/aws.h"

#include <stdlib.h>
#include <string.h>

#include "engine/base/util.h"
#include "engine/net/sigv4.h"
#include "engine/net/xml.h"

pp_status pp_aws_cfn_get_template(pp_aws_client *c, const char *stack, size_t max_len,
                                  char **body, size_t *len, char **err)
{
    *body = NULL;
    *len = 0;
    char *es = pp_uri_encode(stack, strlen(stack));
    char *params = es ? pp_asprintf("&StackName=%s&TemplateStage=Original", es) : NULL;
    free(es);
    if (!params)
        return pp_err(err, PP_E_NOMEM, "out of memory");
    pp_http_resp resp;
    pp_status st = pp_aws_query(c, "GetTemplate", "2010-05-15", params, &resp, err);
    free(params);
    if (st != PP_OK)
        return st;
    char *t = pp_xml_child(resp.body, resp.body + resp.len, "TemplateBody");
    pp_http_resp_free(&resp);
    if (!t)
        return pp_err(err, PP_E_PARSE, "CloudFormation GetTemplate (stack %s): no TemplateBody "
                      "in the answer", stack);
    size_t n = strlen(t);
    if (n > max_len) {
        free(t);
        return pp_err(err, PP_E_LIMIT, "CloudFormation GetTemplate (stack %s): the template is "
                      "%zu bytes, over the %zu-byte limit", stack, n, max_len);
    }
    *body = t;
    *len = n;
    return PP_OK;
}
