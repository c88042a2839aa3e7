"""Prints the CloudFormation that the SAM transform makes of a template (no AWS call).

Arguments: the template, then optionally its parameter values as a JSON object.
"""
import json
import sys

from samtranslator.public.translator import ManagedPolicyLoader
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies(ManagedPolicyLoader):
    def __init__(self):
        pass

    def load(self):
        return {}


with open(sys.argv[1], encoding="utf-8") as f:
    template = yaml_parse(f.read())
for resource in template.get("Resources", {}).values():
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/function.jar"
parameters = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
json.dump(transform(template, parameters, NoManagedPolicies()), sys.stdout, indent=1)
