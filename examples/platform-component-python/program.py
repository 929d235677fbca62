"""The whole HIPAA platform as one resource: healthcare.Platform makes the network, the
stream, the cache, the database and the services, wired together."""

import pulumi
import pulumi_healthcare as healthcare


def program(deletion_protection=True):
    clinical = healthcare.Platform(
        "clinical",
        cidr_block="10.41.0.0/16",
        deletion_protection=deletion_protection,
        services={"api": healthcare.PlatformServiceArgs(
            image="public.ecr.aws/docker/library/nginx:1.27", container_port=8080)},
        tags={"data-classification": "phi"})
    pulumi.export("databaseEndpoint", clinical.database_endpoint)
    pulumi.export("databaseSecretArn", clinical.database_secret_arn)
    pulumi.export("services", clinical.service_arns)
    pulumi.export("compliance", clinical.compliance)
