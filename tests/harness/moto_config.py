"""AWS Config additions for the moto launcher: the delivery channel's bucket, as AWS documents it.

Each addition is one function named after the AWS operation it completes, patching moto's
Config backend idempotently like the launcher's others; ``CONFIG_ADDITIONS`` lists them.
"""


try:
    from .moto_patch import install as _install
    from .moto_patch import installed as _installed
except ImportError:  # loaded as a top-level module, as the launcher run as a program does
    from moto_patch import install as _install
    from moto_patch import installed as _installed


def config_put_delivery_channel():
    """AWS Config PutDeliveryChannel: the S3 bucket must exist.

    AWS answers NoSuchBucketException ("The specified Amazon S3 bucket does not exist.") for a
    bucket that is not there. Moto 5.2.5 only refuses an empty name, so a channel can point
    at nothing.
    """
    from moto.config.models import ConfigBackend
    from moto.core.exceptions import JsonRESTError
    from moto.s3.models import s3_backends

    if _installed(ConfigBackend, "put_delivery_channel"):
        return
    original = ConfigBackend.put_delivery_channel

    def put_delivery_channel(self, delivery_channel):
        bucket = delivery_channel.get("s3BucketName")
        if bucket and self.recorders and bucket not in s3_backends[self.account_id]["aws"].buckets:
            raise JsonRESTError("NoSuchBucketException", f"Cannot find a S3 bucket with name {bucket}.")
        return original(self, delivery_channel)

    _install(ConfigBackend, put_delivery_channel)


CONFIG_ADDITIONS = [config_put_delivery_channel]
