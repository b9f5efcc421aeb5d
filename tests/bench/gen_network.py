"""Generates a CloudFormation template of N resources for the network-pack benchmark.

Deterministic (seeded): a VPC, subnets, security groups with inline ingress, standalone
ingress rules, instances, launch templates, ECS services, RDS instances, NACL entries, route
tables with their routes and subnet associations, and ECS Express Mode services (whose rules
follow the subnets to their route tables and the security groups to their ingress), a mix of
compliant and non-compliant ones, with parameters, conditions and intrinsics so the resolver
does real work.  Usage: gen_network.py N OUT.json
"""
import json
import random
import sys


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(n)
    res = {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
           "Igw": {"Type": "AWS::EC2::InternetGateway"}}
    # Offsets between kinds matter: each kind refers to the resources made just before it.
    kinds = ["subnet", "sg", "ingress", "instance", "lt", "ecs", "rds", "nacl", "rt", "route",
             "assoc", "express"]
    i = 0
    while len(res) < n:
        k = kinds[i % len(kinds)]
        i += 1
        lid = f"{k.capitalize()}{i}"
        world = rnd.random() < 0.2
        if k == "subnet":
            res[lid] = {"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": {"Ref": "Vpc"}, "CidrBlock": f"10.0.{i % 250}.0/24",
                "MapPublicIpOnLaunch": {"Fn::If": ["IsPublic", True, False]} if world else "false"}}
        elif k == "sg":
            res[lid] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": {"Fn::Sub": "sg ${AWS::StackName} " + lid},
                "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": [
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
                    {"IpProtocol": "tcp", "FromPort": rnd.choice([22, 5432, 8080]),
                     "ToPort": rnd.choice([22, 5432, 8080]),
                     "CidrIp": {"Ref": "AdminCidr"} if world else "10.0.0.0/8"}]}}
        elif k == "ingress":
            res[lid] = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                "GroupId": {"Fn::GetAtt": [f"Sg{i - 1}", "GroupId"]},
                "IpProtocol": "tcp", "FromPort": "3306", "ToPort": "3306",
                "CidrIp": "0.0.0.0/0" if world else "10.1.0.0/16"}}
        elif k == "instance":
            res[lid] = {"Type": "AWS::EC2::Instance", "Properties": {
                "ImageId": {"Fn::FindInMap": ["Amis", {"Ref": "AWS::Region"}, "Id"]},
                "InstanceType": "t3.micro",
                "NetworkInterfaces": [{"DeviceIndex": "0", "SubnetId": {"Ref": f"Subnet{i - 3}"},
                                       "AssociatePublicIpAddress": "true" if world else False}]}}
        elif k == "lt":
            res[lid] = {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {
                "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": world}]}}}
        elif k == "ecs":
            res[lid] = {"Type": "AWS::ECS::Service", "Properties": {
                "Cluster": "shared", "DesiredCount": 2,
                "NetworkConfiguration": {"AwsvpcConfiguration": {
                    "AssignPublicIp": "ENABLED" if world else "DISABLED",
                    "Subnets": [{"Ref": f"Subnet{i - 5}"}]}}}}
        elif k == "rds":
            res[lid] = {"Type": "AWS::RDS::DBInstance", "Properties": {
                "Engine": "postgres", "DBInstanceClass": "db.t3.micro", "DBSubnetGroupName": "private",
                "PubliclyAccessible": "true" if world else "false"}}
        elif k == "rt":
            res[lid] = {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}}
        elif k == "route":
            gw = {"GatewayId": {"Ref": "Igw"}} if world else {"NatGatewayId": "nat-0123"}
            res[lid] = {"Type": "AWS::EC2::Route", "Properties": dict(
                {"RouteTableId": {"Ref": f"Rt{i - 1}"}, "DestinationCidrBlock": "0.0.0.0/0"}, **gw)}
        elif k == "assoc":
            res[lid] = {"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": {"Ref": f"Subnet{i - 10}"}, "RouteTableId": {"Ref": f"Rt{i - 2}"}}}
        elif k == "express":
            env = [{"Name": "LOG_LEVEL", "Value": "info"},
                   {"Name": "DB_PASSWORD" if world else "DB_SECRET_ARN", "Value": "x" * 12}]
            res[lid] = {"Type": "AWS::ECS::ExpressGatewayService", "Properties": {
                "ExecutionRoleArn": "arn:aws:iam::111122223333:role/exec",
                "InfrastructureRoleArn": "arn:aws:iam::111122223333:role/infra",
                "PrimaryContainer": {"Image": "nginx", "ContainerPort": 8080, "Environment": env},
                # the generated groups all open 443 to the world: named only by the bad ones
                "NetworkConfiguration": dict(
                    {"Subnets": [{"Ref": f"Subnet{i - 11}"}]},
                    **({"SecurityGroups": [{"Fn::GetAtt": [f"Sg{i - 10}", "GroupId"]}]} if world else {})),
                "ScalingTarget": {"MinTaskCount": 1 if world else 2},
                "Tags": [{"Key": "Environment", "Value": "production"}]}}
        else:
            res[lid] = {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {
                "NetworkAclId": "acl-1", "RuleNumber": 100 + i % 100, "Protocol": 6,
                "RuleAction": "allow", "CidrBlock": "0.0.0.0/0" if world else "10.0.0.0/8",
                "PortRange": {"From": 22, "To": 22}}}
    tpl = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"AdminCidr": {"Type": "String", "Default": "0.0.0.0/0"},
                       "Public": {"Type": "String", "AllowedValues": ["yes", "no"]}},
        "Conditions": {"IsPublic": {"Fn::Equals": [{"Ref": "Public"}, "yes"]}},
        "Mappings": {"Amis": {"us-east-1": {"Id": "ami-123"}}},
        "Resources": res,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(tpl, f, indent=1)


if __name__ == "__main__":
    main()
