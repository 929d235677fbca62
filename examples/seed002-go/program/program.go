// Package program is reference stack 002 (Pulumi Go, us-west-2) rebuilt with
// pulumi-healthcare: a VPC with flow logs, an encrypted Kinesis stream, an ECS Fargate service
// scaling on CPU, Aurora PostgreSQL Serverless v2 and an encrypted Redis, with the stack's
// outputs under the same names.
package program

import (
	"github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare"
	"github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare/cache"
	"github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare/compute"
	"github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare/database"
	"github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare/network"
	"github.com/pulumi-healthcare/pulumi-healthcare/sdk/go/healthcare/streaming"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

const (
	vpcCIDR = "10.0.0.0/16"
	image   = "public.ecr.aws/docker/library/nginx:1.27"
)

// Program declares the stack.
func Program(ctx *pulumi.Context) error {
	// The VPC with one NAT gateway and flow logs. The original kept flow logs 30 days; the
	// HIPAA floor this provider enforces is 90 (cw-loggroup-retention-period-check).
	vpc, err := network.NewSecureVpc(ctx, "network", &network.SecureVpcArgs{
		CidrBlock:             pulumi.String(vpcCIDR),
		AvailabilityZoneCount: pulumi.Int(2),
		NatGateways:           healthcare.NatStrategySingle,
		FlowLogs:              &healthcare.FlowLogArgsArgs{RetentionDays: pulumi.Int(90)},
	})
	if err != nil {
		return err
	}
	// 4 shards, 24 hours, KMS, every shard-level metric.
	stream, err := streaming.NewKinesisPipeline(ctx, "events", &streaming.KinesisPipelineArgs{
		ShardCount:     pulumi.Int(4),
		RetentionHours: pulumi.Int(24),
	})
	if err != nil {
		return err
	}
	// Aurora PostgreSQL Serverless v2, 0.5 to 2 ACU, 7-day backups, logs exported.
	db, err := database.NewHipaaPostgres(ctx, "database", &database.HipaaPostgresArgs{
		Engine:                  healthcare.DatabaseEngineAuroraPostgresql,
		MinCapacity:             pulumi.Float64(0.5),
		MaxCapacity:             pulumi.Float64(2),
		BackupRetentionDays:     pulumi.Int(7),
		VpcId:                   vpc.VpcId,
		SubnetIds:               vpc.IsolatedSubnetIds,
		AllowedSecurityGroupIds: pulumi.StringArray{vpc.ApplicationSecurityGroupId},
		DeletionProtection:      pulumi.Bool(config.GetBool(ctx, "databaseDeletionProtection")),
	})
	if err != nil {
		return err
	}
	// Redis 7, two nodes with failover, TLS and at-rest encryption, 5-day snapshots.
	redis, err := cache.NewEncryptedRedis(ctx, "cache", &cache.EncryptedRedisArgs{
		VpcId:                   vpc.VpcId,
		SubnetIds:               vpc.IsolatedSubnetIds,
		Replicas:                pulumi.Int(1),
		SnapshotRetentionDays:   pulumi.Int(5),
		AllowedSecurityGroupIds: pulumi.StringArray{vpc.ApplicationSecurityGroupId},
	})
	if err != nil {
		return err
	}
	// Container Insights; the service in the private subnets over 2 AZs, 2 to 10 tasks on
	// 70% CPU, reading the database and cache secrets.
	services, err := compute.NewFargateCluster(ctx, "services", &compute.FargateClusterArgs{
		Services: healthcare.FargateServiceMap{
			"api": healthcare.FargateServiceArgs{
				Image:         pulumi.String(image),
				ContainerPort: pulumi.Int(8080),
				Autoscaling: &healthcare.ServiceAutoscalingArgs{
					MinTasks:  pulumi.Int(2),
					MaxTasks:  pulumi.Int(10),
					CpuTarget: pulumi.Float64(70),
				},
				Secrets: pulumi.StringMap{
					"DB_PASSWORD":      pulumi.Sprintf("%s:password::", db.MasterUserSecretArn),
					"REDIS_AUTH_TOKEN": pulumi.Sprintf("%s:authToken::", redis.AuthSecretArn),
				},
				VpcId:             vpc.VpcId,
				SubnetIds:         vpc.PrivateSubnetIds,
				SecurityGroupIds:  pulumi.StringArray{vpc.ApplicationSecurityGroupId},
				AllowedCidrBlocks: pulumi.StringArray{pulumi.String(vpcCIDR)},
			},
		},
	})
	if err != nil {
		return err
	}
	// One key per resource, each with rotation; the stack's key outputs name the stream's.
	ctx.Export("kms_key_id", stream.KmsKeyArn)
	ctx.Export("kms_key_arn", stream.KmsKeyArn)
	ctx.Export("vpc_id", vpc.VpcId)
	ctx.Export("kinesis_stream_name", stream.StreamName)
	ctx.Export("kinesis_stream_arn", stream.StreamArn)
	ctx.Export("rds_cluster_endpoint", db.Endpoint)
	ctx.Export("rds_cluster_reader_endpoint", db.ReaderEndpoint)
	ctx.Export("elasticache_primary_endpoint", redis.PrimaryEndpoint)
	ctx.Export("elasticache_reader_endpoint", redis.ReaderEndpoint)
	ctx.Export("ecs_cluster_name", services.ClusterName)
	ctx.Export("ecs_cluster_arn", services.ClusterArn)
	ctx.Export("ecs_service_name", pulumi.String("api"))
	return nil
}
