#!/usr/bin/env python3
"""Start moto's server in-process on 127.0.0.1, with a few documented AWS behaviours added.

Run as a program: ``python tests/harness/moto_launcher.py [--port N] [--exit-on-stdin-eof]``
prints exactly one line, the port, once the server answers, and runs until SIGTERM/SIGINT
(or, with ``--exit-on-stdin-eof``, until its parent closes stdin), then stops cleanly.

Each addition below is one small function named after the AWS operation it completes, and
registered by patching moto's backend or response classes; the ElastiCache ones live in
``moto_elasticache.py``, the RDS ones in ``moto_rds.py`` and ``moto_rds_parameters.py``, the
ECS ones in ``moto_ecs.py`` and the Application Auto Scaling ones in ``moto_autoscaling.py``;
those the account baseline needs in ``moto_s3.py``, ``moto_cloudtrail.py``,
``moto_logs_filters.py``, ``moto_sns.py``, ``moto_config.py``, ``moto_guardduty.py``,
``moto_securityhub.py``, ``moto_ec2.py`` and ``moto_secretsmanager.py``; AWS Backup's
selections and plan updates in ``moto_backup.py``; CloudWatch's Smithy
RPC v2 CBOR protocol, which the Rust SDK speaks, in ``moto_cloudwatch_cbor.py``; Python Lambda
functions run in-process, and the secret rotation they do, in ``moto_lambda.py``.
Each is covered by a test in ``tests/harness_tests`` that shows it behaves as AWS documents.
Moto settings such as ``MOTO_IAM_LOAD_MANAGED_POLICIES=true`` are read from the environment
at import time; none is needed now.
"""

import argparse
import signal
import sys
import threading

if __package__:
    from .moto_autoscaling import AUTOSCALING_ADDITIONS
    from .moto_backup import BACKUP_ADDITIONS
    from .moto_cloudtrail import CLOUDTRAIL_ADDITIONS
    from .moto_cloudwatch_cbor import CLOUDWATCH_CBOR_ADDITIONS
    from .moto_config import CONFIG_ADDITIONS
    from .moto_ec2 import EC2_ADDITIONS
    from .moto_ec2_account import EC2_ACCOUNT_ADDITIONS
    from .moto_ec2_acls import EC2_ACL_ADDITIONS
    from .moto_ec2_tokens import EC2_TOKEN_ADDITIONS
    from .moto_ecs import ECS_ADDITIONS
    from .moto_elasticache import ELASTICACHE_ADDITIONS
    from .moto_guardduty import GUARDDUTY_ADDITIONS
    from .moto_iam import IAM_ADDITIONS
    from .moto_lambda import LAMBDA_ADDITIONS, set_server_port
    from .moto_logs import LOGS_ADDITIONS
    from .moto_logs_filters import LOGS_FILTER_ADDITIONS
    from .moto_rds import RDS_ADDITIONS
    from .moto_s3 import S3_ADDITIONS
    from .moto_secretsmanager import SECRETSMANAGER_ADDITIONS
    from .moto_securityhub import SECURITYHUB_ADDITIONS
    from .moto_sns import SNS_ADDITIONS
else:  # run as a program, with tests/harness first on sys.path
    from moto_autoscaling import AUTOSCALING_ADDITIONS
    from moto_backup import BACKUP_ADDITIONS
    from moto_cloudtrail import CLOUDTRAIL_ADDITIONS
    from moto_cloudwatch_cbor import CLOUDWATCH_CBOR_ADDITIONS
    from moto_config import CONFIG_ADDITIONS
    from moto_ec2 import EC2_ADDITIONS
    from moto_ec2_account import EC2_ACCOUNT_ADDITIONS
    from moto_ec2_acls import EC2_ACL_ADDITIONS
    from moto_ec2_tokens import EC2_TOKEN_ADDITIONS
    from moto_ecs import ECS_ADDITIONS
    from moto_elasticache import ELASTICACHE_ADDITIONS
    from moto_guardduty import GUARDDUTY_ADDITIONS
    from moto_iam import IAM_ADDITIONS
    from moto_lambda import LAMBDA_ADDITIONS, set_server_port
    from moto_logs import LOGS_ADDITIONS
    from moto_logs_filters import LOGS_FILTER_ADDITIONS
    from moto_rds import RDS_ADDITIONS
    from moto_s3 import S3_ADDITIONS
    from moto_secretsmanager import SECRETSMANAGER_ADDITIONS
    from moto_securityhub import SECURITYHUB_ADDITIONS
    from moto_sns import SNS_ADDITIONS

# AWS: "Tags: A set of up to 50 key-value pairs to use to create the tags." (CreateStream)
KINESIS_MAX_CREATE_TAGS = 50


def kinesis_create_stream_tags():
    """Kinesis CreateStream: apply the request's ``Tags`` map (moto 5.2.5 drops it).

    A map of more than 50 tags is refused with ValidationException before anything is made,
    as AWS's length constraint on the member does; otherwise the stream is created by moto
    as before and the tags are then added, so ListTagsForStream returns them.
    """
    from moto.core.exceptions import JsonRESTError
    from moto.kinesis.responses import KinesisResponse

    original = KinesisResponse.create_stream
    if getattr(original, "healthcare_addition", False):
        return

    def create_stream(self):
        tags = self._get_param("Tags") or {}
        if len(tags) > KINESIS_MAX_CREATE_TAGS:
            raise JsonRESTError(
                "ValidationException",
                "1 validation error detected: Value at 'tags' failed to satisfy constraint: "
                f"Member must have length less than or equal to {KINESIS_MAX_CREATE_TAGS}",
            )
        result = original(self)
        if tags:
            self.kinesis_backend.add_tags_to_stream(
                stream_arn=None, stream_name=self._get_param("StreamName"), tags=tags
            )
        return result

    create_stream.healthcare_addition = True
    KinesisResponse.create_stream = create_stream


def kms_schedule_key_deletion_key_arn():
    """KMS ScheduleKeyDeletion: accept a key ARN as ``KeyId`` (moto 5.2.5 fails with a 500).

    AWS documents KeyId as "the key ID or key ARN of the KMS key"; moto's backend looks the
    value up as a bare key id. The addition resolves an ARN to its key id first, as the other
    KMS operations in moto already do.
    """
    from moto.kms.models import KmsBackend

    original = KmsBackend.schedule_key_deletion
    if getattr(original, "healthcare_addition", False):
        return

    def schedule_key_deletion(self, key_id, pending_window_in_days):
        return original(self, self.any_id_to_key_id(key_id), pending_window_in_days)

    schedule_key_deletion.healthcare_addition = True
    KmsBackend.schedule_key_deletion = schedule_key_deletion


def ec2_delete_nat_gateway_frees_address():
    """EC2 DeleteNatGateway: free the gateway's Elastic IP (moto 5.2.5 leaves it associated).

    AWS documents that deleting a NAT gateway "disassociates its Elastic IP address, but does
    not release the address"; moto keeps the association, so the address cannot serve a new
    NAT gateway. The addition disassociates it, leaving it allocated.
    """
    from moto.ec2.models.nat_gateways import NatGatewayBackend

    original = NatGatewayBackend.delete_nat_gateway
    if getattr(original, "healthcare_addition", False):
        return

    def delete_nat_gateway(self, nat_gateway_id):
        nat = original(self, nat_gateway_id)
        for address in nat.address_set:
            for eip in self.address_by_allocation([address["allocationId"]]) if address.get("allocationId") else []:
                eip.eni = None
                eip.instance = None
                eip.association_id = None
        return nat

    delete_nat_gateway.healthcare_addition = True
    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway


def sts_get_caller_identity_iam_user():
    """STS GetCallerIdentity: answer the default credentials as an IAM user's ARN.

    Credentials moto did not issue stand for a user named ``moto``, which moto answers as
    ``arn:aws:sts::<account>:user/moto``, a form AWS never gives. AWS answers an IAM user's
    credentials with the user's ARN, ``arn:aws:iam::<account>:user/<name>`` (and a role
    session's with ``arn:aws:sts::<account>:assumed-role/<role>/<session>``, which moto
    already gives). Resource policies name principals by such ARNs (``aws:PrincipalArn``).
    """
    from moto.sts.models import STSBackend

    original = STSBackend.get_caller_identity
    if getattr(original, "healthcare_addition", False):
        return

    def get_caller_identity(self, access_key_id, region):
        user_id, arn, account_id = original(self, access_key_id, region)
        prefix, sep, user = arn.partition(f":sts::{account_id}:user/")
        if sep:
            arn = f"{prefix}:iam::{account_id}:user/{user}"
        return user_id, arn, account_id

    get_caller_identity.healthcare_addition = True
    STSBackend.get_caller_identity = get_caller_identity


ADDITIONS = [kinesis_create_stream_tags, kms_schedule_key_deletion_key_arn, ec2_delete_nat_gateway_frees_address,
             *ELASTICACHE_ADDITIONS, *RDS_ADDITIONS, *ECS_ADDITIONS, *AUTOSCALING_ADDITIONS,
             *LOGS_ADDITIONS, *S3_ADDITIONS, *CLOUDTRAIL_ADDITIONS, *LOGS_FILTER_ADDITIONS, *SNS_ADDITIONS,
             *CONFIG_ADDITIONS, *GUARDDUTY_ADDITIONS, *SECURITYHUB_ADDITIONS, *EC2_ADDITIONS,
             *SECRETSMANAGER_ADDITIONS, sts_get_caller_identity_iam_user, *EC2_ACL_ADDITIONS,
             *CLOUDWATCH_CBOR_ADDITIONS, *EC2_ACCOUNT_ADDITIONS, *IAM_ADDITIONS, *LAMBDA_ADDITIONS,
             *BACKUP_ADDITIONS,
             *EC2_TOKEN_ADDITIONS]  # last: it wraps the EC2 creates as the others leave them


def apply_additions():
    """Install every addition (idempotent)."""
    for addition in ADDITIONS:
        addition()


def start(port=0):
    """Start moto with the additions on 127.0.0.1:port (0 = free); return (server, port)."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer
    from werkzeug.serving import WSGIRequestHandler

    apply_additions()
    # Answers are written in pieces; without TCP_NODELAY each piece after the first waits
    # for the client's delayed ACK (~40 ms), a stall AWS does not have.
    WSGIRequestHandler.disable_nagle_algorithm = True
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    set_server_port(port)  # Lambda functions run here call back into this server
    return server, port


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when stdin closes (the parent went away)")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.exit_on_stdin_eof:
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()

    server, port = start(args.port)
    print(port, flush=True)
    while not stop.wait(0.2):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
