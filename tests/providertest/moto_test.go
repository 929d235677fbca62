package providertest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// moto is a local AWS (moto's server with the project's additions) on a free loopback port.
type moto struct {
	Endpoint string
}

// startMoto runs `.venv/bin/python tests/harness/moto_launcher.py --exit-on-stdin-eof` for
// the duration of the test. The launcher prints its port and serves until SIGTERM; its stdin
// stays open (a pipe held by this process), so it also exits if the test binary dies.
func startMoto(t *testing.T) *moto {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "moto.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python(), filepath.Join(repo, "tests", "harness", "moto_launcher.py"), "--exit-on-stdin-eof")
	cmd.Dir = repo
	cmd.Stderr = logFile
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting moto: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = stdin.Close()
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		_ = logFile.Close()
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil && len(b) > 0 {
				t.Logf("moto log, without its 2xx access lines (%s):\n%s", logPath, tail(notOK(string(b)), 4000))
			}
		}
	})

	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, r)
	}()
	var line string
	select {
	case line = <-lines:
	case <-exited:
		t.Fatalf("moto exited before printing its port; see %s", logPath)
	case <-time.After(90 * time.Second):
		t.Fatalf("moto printed no port within 90s; see %s", logPath)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port <= 0 {
		t.Fatalf("moto printed %q instead of a port; see %s", line, logPath)
	}
	m := &moto{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port)}
	t.Logf("moto (local AWS) at %s, pid %d", m.Endpoint, cmd.Process.Pid)
	return m
}

// inventory is what the program's AWS services hold: Kinesis streams, IAM roles (but
// service-linked ones, which are AWS's: AWS Config's, made by the account baseline when the
// account has none, stays with the account), KMS keys not pending deletion (a deleted key is
// only scheduled for deletion) and not kept for a final snapshot (cache or database) encrypted
// with them, VPCs, log groups, replication groups, cache subnet groups and secrets not pending
// deletion, DB instances, DB subnet groups and parameter groups.
type inventory struct {
	Streams      []string `json:"streams"`
	Roles        []string `json:"roles"`
	Keys         []string `json:"keys"`
	Vpcs         []string `json:"vpcs"`
	LogGroups    []string `json:"logGroups"`
	Caches       []string `json:"caches"`
	SubnetGroups []string `json:"subnetGroups"`
	Secrets      []string `json:"secrets"`
	Databases    []string `json:"databases"`
	DBSubnets    []string `json:"dbSubnetGroups"`
	DBParameters []string `json:"dbParameterGroups"`
}

const inventoryScript = `
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="testing", aws_secret_access_key="testing")
kms = boto3.client("kms", **kw)
ec = boto3.client("elasticache", **kw)
sm = boto3.client("secretsmanager", **kw)
rds = boto3.client("rds", **kw)
for_snapshots = {s.get("KmsKeyId") for s in ec.describe_snapshots()["Snapshots"]}
for_snapshots |= {s.get("KmsKeyId") for s in rds.describe_db_snapshots()["DBSnapshots"]}
keys = []
for k in kms.list_keys()["Keys"]:
    meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
    if meta["KeyState"] != "PendingDeletion" and meta["Arn"] not in for_snapshots:
        keys.append(k["KeyId"])
print(json.dumps({
    "streams": boto3.client("kinesis", **kw).list_streams()["StreamNames"],
    "roles": [r["RoleName"] for r in boto3.client("iam", **kw).list_roles()["Roles"]
              if not r["Path"].startswith("/aws-service-role/")],
    "keys": keys,
    "vpcs": [v["VpcId"] for v in boto3.client("ec2", **kw).describe_vpcs()["Vpcs"]],
    "logGroups": [g["logGroupName"] for g in boto3.client("logs", **kw).describe_log_groups()["logGroups"]],
    "caches": [g["ReplicationGroupId"] for g in ec.describe_replication_groups()["ReplicationGroups"]
               if g["Status"] != "deleting"],
    "subnetGroups": [g["CacheSubnetGroupName"] for g in ec.describe_cache_subnet_groups()["CacheSubnetGroups"]],
    "secrets": [s["Name"] for s in sm.list_secrets()["SecretList"] if not s.get("DeletedDate")],
    "databases": [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]
                  if d["DBInstanceStatus"] != "deleting"],
    "dbSubnetGroups": [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]],
    "dbParameterGroups": [g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]
                          if not g["DBParameterGroupName"].startswith("default.")],
}))
`

// inventory asks moto directly (boto3 from the project's venv), not through the provider.
func (m *moto) inventory(t *testing.T) inventory {
	t.Helper()
	cmd := exec.Command(python(), "-c", inventoryScript, m.Endpoint)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("listing moto's objects: %v\n%s", err, stderr)
	}
	var inv inventory
	if err := json.Unmarshal(out, &inv); err != nil {
		t.Fatalf("listing moto's objects: %v in %q", err, out)
	}
	return inv
}

// less is the inventory without the keys and log groups that `kept` names (entries of a
// stack's retainedOnDelete, such as "KMS key arn:aws:kms:...:key/<id>" or "log group <name>"),
// and the kept entries naming a key or log group the inventory does not hold.
func (inv inventory) less(kept []string) (inventory, []string) {
	named := func(id string) bool {
		return slices.ContainsFunc(kept, func(k string) bool { return strings.Contains(k, id) })
	}
	out := inv
	out.Keys = slices.DeleteFunc(slices.Clone(inv.Keys), named)
	out.LogGroups = slices.DeleteFunc(slices.Clone(inv.LogGroups), named)
	var missing []string
	for _, k := range kept {
		var held []string
		switch {
		case strings.HasPrefix(k, "KMS key "):
			held = inv.Keys
		case strings.HasPrefix(k, "log group "):
			held = inv.LogGroups
		default: // S3 buckets: not in the inventory
			continue
		}
		if !slices.ContainsFunc(held, func(id string) bool { return strings.Contains(k, id) }) {
			missing = append(missing, k)
		}
	}
	return out, missing
}

// notOK drops the access-log lines of successful requests.
func notOK(log string) string {
	var keep []string
	for _, line := range strings.Split(log, "\n") {
		if !strings.Contains(line, "HTTP/1.1\" 2") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
