// HIPAA-ready AWS building blocks for healthcare analytics: a secure VPC, encrypted Redis, HIPAA-grade PostgreSQL, encrypted Kinesis streams and a locked-down Fargate cluster, each one resource with safe defaults.
package healthcare
