#!/usr/bin/env python3
"""ddb_table.py ENDPOINT TABLE TEMPLATE [--delete]: creates (or deletes) TABLE on a local
DynamoDB-compatible server (moto_server) with the KeySchema and AttributeDefinitions of the
StateTable resource in the deploy template, read from the template itself, so the tests use
the schema operators deploy. Fake credentials only."""
import sys

import boto3
import yaml


class CfnLoader(yaml.SafeLoader):
    pass


def _any_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


CfnLoader.add_multi_constructor("!", _any_tag)


def main():
    endpoint, table, template = sys.argv[1:4]
    doc = yaml.load(open(template), Loader=CfnLoader)
    props = doc["Resources"]["StateTable"]["Properties"]
    ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="eu-west-1",
                       aws_access_key_id="AKIDTEST", aws_secret_access_key="fake-secret")
    if "--delete" in sys.argv[4:]:
        ddb.delete_table(TableName=table)
        return
    ddb.create_table(TableName=table, KeySchema=props["KeySchema"],
                     AttributeDefinitions=props["AttributeDefinitions"],
                     BillingMode=props["BillingMode"])
    ttl = props["TimeToLiveSpecification"]
    ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=ttl)


main()
