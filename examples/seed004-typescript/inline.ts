// Runs the program as an Automation API inline program: the Node.js language runtime is
// served inside this process, so no language host is needed. One step per run, on the stack
// `dev` of a file backend, printing its result as JSON:
//
//     node inline.js <preview|up|destroy>
//
// The environment gives the backend (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE), the CLI's
// root (PULUMI_ROOT, holding bin/pulumi), the work dir (INLINE_WORK_DIR) and the stack's
// configuration (INLINE_CONFIG, JSON of key to value).
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { program } from "./program";

async function run(step: string): Promise<unknown> {
    const pulumiCommand = await PulumiCommand.get({ root: process.env.PULUMI_ROOT, skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: "dev", projectName: "seed004-typescript", program: async () => program() },
        { pulumiCommand, workDir: process.env.INLINE_WORK_DIR },
    );
    const config: Record<string, string> = JSON.parse(process.env.INLINE_CONFIG ?? "{}");
    await stack.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }])));
    const quiet = () => undefined;
    switch (step) {
        case "preview":
            return (await stack.preview({ onOutput: quiet })).changeSummary;
        case "up": {
            const outputs = (await stack.up({ onOutput: quiet })).outputs;
            return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
        }
        case "destroy":
            return (await stack.destroy({ onOutput: quiet })).summary.resourceChanges;
        default:
            throw new Error(`unknown step ${step}: preview, up or destroy`);
    }
}

run(process.argv[2]).then(
    result => process.stdout.write(JSON.stringify(result) + "\n"),
    err => {
        process.stderr.write(`inline: ${err}\n`);
        process.exit(1);
    },
);
