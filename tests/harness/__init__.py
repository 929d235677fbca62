"""Test harness for the pulumi-resource-healthcare black-box suites.

- moto_launcher: moto's server plus documented AWS behaviours moto lacks (run as a program).
- moto_elasticache: the launcher's ElastiCache additions (replica counts, member clusters, deletes).
- moto_process: the launcher as a subprocess (the ``moto`` fixture) and boto3 clients.
- faultproxy: fault-injecting HTTP proxy between the plugin and moto (the ``proxy`` fixture).
- fake_engine: a fake Pulumi Engine gRPC server recording Log calls (the ``engine`` fixture).
- plugin_process: starts the provider binary and dials it (the ``plugin`` fixture).
- props: google.protobuf.Struct property maps with Pulumi secrets and unknowns.
- grpc_errors: decodes ErrorResourceInitFailed from a grpc.RpcError.
"""
