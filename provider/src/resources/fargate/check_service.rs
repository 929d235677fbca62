//! Validation and defaults of one service of a FargateCluster; every failure names
//! `services.<name>.<property>`.

use pulumi_provider::{CheckCtx, CheckFailure};

use super::NAME_RULES;
use crate::compliance::{
    ECS_NO_ENVIRONMENT_SECRETS, ECS_NO_PUBLIC_IP, ECS_NONPRIVILEGED, ECS_READONLY_ROOT,
    LEAST_PRIVILEGE,
};
use crate::resources::fargate::args::{
    DEFAULT_CPU, DEFAULT_DESIRED_COUNT, DEFAULT_MAX_TASKS, DEFAULT_MEMORY, DEFAULT_MIN_TASKS,
    LogDeliveryMode, ServiceArgs, fargate_memory,
};
use crate::resources::inputs::{self, Scope};

/// The task CPU sizes Fargate offers.
const FARGATE_CPU: [i32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

/// Parts of an environment variable name (uppercased) that say it holds a credential.
const CREDENTIAL_WORDS: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
];

/// Checks the service `name` and fills in its defaults; false when the name itself is refused.
pub fn check(
    ctx: &mut CheckCtx,
    name: &str,
    s: &mut ServiceArgs,
    failures: &mut Vec<CheckFailure>,
) -> bool {
    let named = check_name(name, failures);
    let p = format!("services.{name}.");
    if s.image.trim().is_empty() {
        failures.push(CheckFailure::new(
            format!("{p}image"),
            "must name a container image",
        ));
    }
    sizing(&p, s, failures);
    reach(ctx, &p, name, s, failures);
    flags(&p, s, failures);
    log_delivery(&p, s, failures);
    environment(ctx, &p, s, failures);
    secrets(&p, s, failures);
    scaling(&p, s, failures);
    health_check(&p, s, failures);
    policies(&p, s, failures);
    named
}

/// Service names, which also name the service's roles, log group and security group.
fn check_name(name: &str, failures: &mut Vec<CheckFailure>) -> bool {
    let ok = !name.is_empty()
        && name.len() <= NAME_RULES.max_len
        && name.chars().all(NAME_RULES.allowed);
    if !ok {
        failures.push(CheckFailure::new(
            format!("services.{name}"),
            format!(
                "service names are 1 to {} letters, digits, hyphens and underscores",
                NAME_RULES.max_len
            ),
        ));
    }
    ok
}

/// CPU and memory: a size Fargate offers. Without `memory`, the least the CPU allows.
fn sizing(p: &str, s: &mut ServiceArgs, failures: &mut Vec<CheckFailure>) {
    let cpu = *s.cpu.get_or_insert(DEFAULT_CPU);
    let sizes = fargate_memory(cpu);
    let least = sizes.as_ref().and_then(|m| m.first().copied());
    let memory = *s.memory.get_or_insert(least.unwrap_or(DEFAULT_MEMORY));
    match sizes {
        None => failures.push(CheckFailure::new(
            format!("{p}cpu"),
            format!("{cpu} is not a Fargate CPU size; choose one of {}", list(&FARGATE_CPU)),
        )),
        Some(sizes) if !sizes.contains(&memory) => failures.push(CheckFailure::new(
            format!("{p}memory"),
            format!(
                "Fargate does not offer {memory} MiB with {cpu} CPU units; with {cpu} choose one of {}",
                list(&sizes)
            ),
        )),
        Some(_) => {}
    }
}

fn list(values: &[i32]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The port, where the tasks run and who may connect to the port.
fn reach(
    ctx: &mut CheckCtx,
    p: &str,
    name: &str,
    s: &mut ServiceArgs,
    failures: &mut Vec<CheckFailure>,
) {
    if let Some(port) = s.container_port
        && !(1..=65535).contains(&port)
    {
        failures.push(CheckFailure::new(
            format!("{p}containerPort"),
            format!("must be between 1 and 65535, got {port}"),
        ));
    }
    if s.container_port.is_none() {
        let lists = [
            ("allowedSecurityGroupIds", &s.allowed_security_group_ids),
            ("allowedCidrBlocks", &s.allowed_cidr_blocks),
        ];
        for (property, list) in lists {
            if list.as_ref().is_some_and(|l| !l.is_empty()) {
                failures.push(CheckFailure::new(
                    format!("{p}{property}"),
                    "there is no containerPort to open to these sources; give containerPort or remove them",
                ));
            }
        }
    }
    let what = format!("the service {name}");
    let scope = Scope {
        prefix: p,
        what: s.container_port.map(|_| what.as_str()),
    };
    inputs::network_at(
        ctx,
        scope,
        &s.vpc_id,
        &mut s.subnet_ids,
        &mut s.allowed_security_group_ids,
        &mut s.allowed_cidr_blocks,
        failures,
    );
    if let Some(groups) = &mut s.security_group_ids {
        for (i, g) in groups.iter().enumerate() {
            if !g.starts_with("sg-") {
                failures.push(CheckFailure::new(
                    format!("{p}securityGroupIds[{i}]"),
                    format!("{g:?} is not a security group id (sg-...)"),
                ));
            }
        }
        groups.sort();
        groups.dedup();
    }
}

/// The switches that must stay safe: no public IP, no privileged container, a read-only root.
fn flags(p: &str, s: &mut ServiceArgs, failures: &mut Vec<CheckFailure>) {
    s.enable_execute_command.get_or_insert(false);
    if s.assign_public_ip == Some(true) {
        failures.push(CheckFailure::new(
            format!("{p}assignPublicIp"),
            ECS_NO_PUBLIC_IP
                .violation("tasks may not have a public IP; run them in private subnets"),
        ));
    }
    s.assign_public_ip = Some(false);
    if s.privileged == Some(true) {
        failures.push(CheckFailure::new(
            format!("{p}privileged"),
            ECS_NONPRIVILEGED.violation("privileged containers are refused"),
        ));
    }
    s.privileged = Some(false);
    if s.readonly_root_filesystem == Some(false) {
        failures.push(CheckFailure::new(
            format!("{p}readonlyRootFilesystem"),
            ECS_READONLY_ROOT.violation(
                "the container's root filesystem must be read-only; mount a volume for what it writes",
            ),
        ));
    }
    s.readonly_root_filesystem = Some(true);
}

/// The log buffer: a size Docker's awslogs driver takes, only with non-blocking delivery.
/// Defaults are not filled in, so a state written before these inputs existed stays equal.
fn log_delivery(p: &str, s: &ServiceArgs, failures: &mut Vec<CheckFailure>) {
    let Some(size) = &s.log_buffer_size else {
        return;
    };
    if s.log_delivery_mode == Some(LogDeliveryMode::Blocking) {
        failures.push(CheckFailure::new(
            format!("{p}logBufferSize"),
            "a log buffer is used only by `non-blocking` delivery; remove it or set `logDeliveryMode` to `non-blocking`",
        ));
    } else if !buffer_size(size) {
        failures.push(CheckFailure::new(
            format!("{p}logBufferSize"),
            format!("`{size}` is not a size: give a whole number of bytes, optionally followed by `k`, `m` or `g` (e.g. `25m`)"),
        ));
    }
}

/// A positive whole number with an optional `k`, `m` or `g` (any case), as Docker parses
/// `max-buffer-size`.
fn buffer_size(size: &str) -> bool {
    let digits = size
        .strip_suffix(['k', 'm', 'g', 'K', 'M', 'G'])
        .unwrap_or(size);
    !digits.is_empty()
        && digits.len() <= 12
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.bytes().any(|b| b != b'0')
}

/// True when an environment variable's name says it holds a credential.
pub fn looks_like_credential(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    CREDENTIAL_WORDS.iter().any(|w| upper.contains(w)) || upper.ends_with("_KEY")
}

/// Plain variables: no value the program marked secret (a task definition holds every
/// environment value in clear, for anyone who may describe it), no credential, none also in
/// `secrets`. Values are never repeated, and the failures name their property in the reason
/// only, so the engine cannot print them.
fn environment(ctx: &CheckCtx, p: &str, s: &ServiceArgs, failures: &mut Vec<CheckFailure>) {
    let secrets = s.secrets.as_ref();
    for name in s.environment.iter().flat_map(|e| e.keys()) {
        let property = format!("{p}environment.{name}");
        if ctx.is_secret(&property) {
            failures.push(CheckFailure::unechoed(
                property,
                ECS_NO_ENVIRONMENT_SECRETS.violation(format!(
                    "the value of {name} is a secret, and environment values are stored in plain \
                     text in the task definition; keep it in a Secrets Manager secret and name \
                     that secret's ARN in {p}secrets.{name}"
                )),
            ));
        } else if secrets.is_some_and(|x| x.contains_key(name)) {
            failures.push(CheckFailure::unechoed(
                property,
                format!("{name} is also in secrets; remove it from environment"),
            ));
        } else if looks_like_credential(name) {
            failures.push(CheckFailure::unechoed(
                property,
                ECS_NO_ENVIRONMENT_SECRETS.violation(format!(
                    "{name} looks like a credential, and environment values are stored in plain text \
                     in the task definition; move it to secrets, with a Secrets Manager secret ARN"
                )),
            ));
        }
    }
}

/// Each secret is a Secrets Manager secret ARN. The value is never repeated: it may be the
/// credential itself, given by mistake.
fn secrets(p: &str, s: &ServiceArgs, failures: &mut Vec<CheckFailure>) {
    for (name, value) in s.secrets.iter().flatten() {
        if let Err(why) = secret_reference(value) {
            failures.push(CheckFailure::unechoed(format!("{p}secrets.{name}"), why));
        }
    }
}

/// `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>`, optionally followed by
/// `:<json-key>:<version-stage>:<version-id>` (each of the three may be empty).
pub fn secret_reference(value: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "is not a Secrets Manager secret ARN \
        (arn:aws:secretsmanager:<region>:<account>:secret:<name>, optionally followed by :<json-key>:<version-stage>:<version-id>)";
    let parts: Vec<&str> = value.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "ssm", ..] => Err(
            "is an SSM parameter ARN; only Secrets Manager secrets are accepted (arn:aws:secretsmanager:...:secret:<name>)",
        ),
        [
            "arn",
            partition,
            "secretsmanager",
            region,
            account,
            "secret",
            name,
            rest @ ..,
        ] if !partition.is_empty()
            && !region.is_empty()
            && account.len() == 12
            && account.chars().all(|c| c.is_ascii_digit())
            && !name.is_empty()
            && (rest.is_empty() || rest.len() == 3) =>
        {
            Ok(())
        }
        ["arn", _, service, ..] if *service != "secretsmanager" => {
            Err("is not a Secrets Manager ARN; only Secrets Manager secrets are accepted")
        }
        _ => Err(SHAPE),
    }
}

/// The task count and its target tracking, defaults filled in. Without `desiredCount`, the
/// default count brought into the scaling range.
fn scaling(p: &str, s: &mut ServiceArgs, failures: &mut Vec<CheckFailure>) {
    let a = s.scaling();
    let min = a.min_tasks.unwrap_or(DEFAULT_MIN_TASKS);
    let max = a.max_tasks.unwrap_or(DEFAULT_MAX_TASKS);
    let range_ok = if min < 1 {
        failures.push(CheckFailure::new(
            format!("{p}autoscaling.minTasks"),
            format!("must be 1 or more, got {min}"),
        ));
        false
    } else if max < min {
        failures.push(CheckFailure::new(
            format!("{p}autoscaling.maxTasks"),
            format!("must be at least minTasks ({min}), got {max}"),
        ));
        false
    } else {
        true
    };
    for (property, target) in [
        ("cpuTarget", a.cpu_target),
        ("memoryTarget", a.memory_target),
    ] {
        if let Some(t) = target
            && !(t > 0.0 && t <= 100.0)
        {
            failures.push(CheckFailure::new(
                format!("{p}autoscaling.{property}"),
                format!("must be a percentage above 0 and at most 100, got {t}"),
            ));
        }
    }
    let default = if range_ok {
        DEFAULT_DESIRED_COUNT.clamp(min, max)
    } else {
        DEFAULT_DESIRED_COUNT
    };
    let desired = *s.desired_count.get_or_insert(default);
    if desired < 0 {
        failures.push(CheckFailure::new(
            format!("{p}desiredCount"),
            format!("must be 0 or more, got {desired}"),
        ));
    } else if range_ok && !(min..=max).contains(&desired) {
        failures.push(CheckFailure::new(
            format!("{p}desiredCount"),
            format!(
                "must be between autoscaling.minTasks ({min}) and maxTasks ({max}), got {desired}"
            ),
        ));
    }
    s.autoscaling = Some(a);
}

/// The container health check, as ECS accepts it.
fn health_check(p: &str, s: &ServiceArgs, failures: &mut Vec<CheckFailure>) {
    let Some(h) = &s.health_check else {
        return;
    };
    let p = format!("{p}healthCheck.");
    match h.command.first().map(String::as_str) {
        None => failures.push(CheckFailure::new(
            format!("{p}command"),
            "must be given, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]",
        )),
        Some("CMD" | "CMD-SHELL") if h.command.len() < 2 => failures.push(CheckFailure::new(
            format!("{p}command"),
            "needs the command to run after CMD or CMD-SHELL",
        )),
        Some("CMD" | "CMD-SHELL") => {}
        Some(_) => failures.push(CheckFailure::new(
            format!("{p}command"),
            "must start with CMD (then the program and its arguments) or CMD-SHELL (then a shell command)",
        )),
    }
    let bounds = [
        ("interval", h.interval, 5, 300),
        ("timeout", h.timeout, 2, 60),
        ("retries", h.retries, 1, 10),
        ("startPeriod", h.start_period, 0, 300),
    ];
    for (property, value, from, to) in bounds {
        if let Some(v) = value
            && !(from..=to).contains(&v)
        {
            failures.push(CheckFailure::new(
                format!("{p}{property}"),
                format!("must be between {from} and {to}, got {v}"),
            ));
        }
    }
}

/// Why `action`, in a statement that names every resource (`*`) when `anywhere`, is more
/// than a task may hold: administrator access, a way to raise its own privileges (changing
/// IAM, passing or assuming any role), or a whole service on every resource.
fn overreach(action: &str, anywhere: bool) -> Option<String> {
    let Some((service, what)) = action.split_once(':') else {
        return (action == "*").then(|| {
            format!("{action} grants administrator access; name the actions the task needs")
        });
    };
    let (service, what_l) = (service.to_ascii_lowercase(), what.to_ascii_lowercase());
    if service == "*" || (service == "iam" && what == "*") {
        return Some(format!(
            "{action} grants administrator access; name the actions the task needs"
        ));
    }
    if service.contains(['*', '?']) {
        return Some(format!(
            "{action} names every service whose name matches; name the service"
        ));
    }
    if service == "iam" {
        let reads = ["get", "list"].iter().any(|v| what_l.starts_with(v));
        let passes_named_roles = what_l == "passrole" && !anywhere;
        if !reads && !passes_named_roles {
            return Some(format!(
                "{action} lets the task change IAM or pass any role, a path to administrator \
                 access; a task may read IAM, or pass the roles it names in resources"
            ));
        }
    }
    if service == "sts" && anywhere && (what_l.starts_with("assumerole") || what.contains('*')) {
        return Some(format!(
            "{action} on \"*\" lets the task assume any role it is trusted by; name the roles"
        ));
    }
    if what == "*" && anywhere {
        return Some(format!(
            "{action} on \"*\" grants every {service} action on every resource; name the \
             actions, or the resources"
        ));
    }
    None
}

/// The task role's statements: actions and resources given, no admin access; each list
/// sorted and deduplicated once its failures (with the program's indices) are recorded.
fn policies(p: &str, s: &mut ServiceArgs, failures: &mut Vec<CheckFailure>) {
    for (i, st) in s.task_policy_statements.iter_mut().flatten().enumerate() {
        let at = format!("{p}taskPolicyStatements[{i}]");
        if st.actions.is_empty() {
            failures.push(CheckFailure::new(
                format!("{at}.actions"),
                "at least one action is required",
            ));
        }
        let anywhere = st.resources.iter().any(|r| r == "*");
        for (j, action) in st.actions.iter().enumerate() {
            let property = format!("{at}.actions[{j}]");
            if let Some(why) = overreach(action, anywhere) {
                failures.push(CheckFailure::new(property, LEAST_PRIVILEGE.violation(why)));
            } else if !action.split_once(':').is_some_and(|(svc, what)| {
                !svc.is_empty() && !what.is_empty() && !what.contains(':')
            }) {
                failures.push(CheckFailure::new(
                    property,
                    format!("{action:?} is not an IAM action such as s3:GetObject"),
                ));
            }
        }
        if st.resources.is_empty() {
            failures.push(CheckFailure::new(
                format!("{at}.resources"),
                "at least one resource ARN is required",
            ));
        }
        for list in [&mut st.actions, &mut st.resources] {
            list.sort();
            list.dedup();
        }
    }
}
