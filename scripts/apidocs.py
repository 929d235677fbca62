#!/usr/bin/env python3
"""Writes the API reference (docs/api/) from the provider's schema: a page per resource with
each input and output (type, whether required, whether a change replaces, description), a
page of the types they use, and the provider's configuration. Standard library only.

    scripts/apidocs.py provider/schema.json docs/api
"""

import json
import shutil
import sys
from pathlib import Path


def token_parts(token):
    _, module, name = token.split(":")
    return module, name


def type_name(spec):
    """A property's type as a reader would write it."""
    if "$ref" in spec:
        ref = spec["$ref"]
        if ref.startswith("#/types/"):
            _, name = token_parts(ref[len("#/types/"):])
            return f"[{name}](types.md#{name.lower()})"
        return "any"
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {type_name(spec.get('items', {}))}"
    if kind == "object" and "additionalProperties" in spec:
        return f"map of {type_name(spec['additionalProperties'])}"
    return kind


def cell(text):
    return " ".join((text or "").split()).replace("|", "\\|")


def property_table(props, required, with_replaces):
    head = "| property | type | required | replaces | description |\n|---|---|---|---|---|\n"
    if not with_replaces:
        head = "| property | type | required | description |\n|---|---|---|---|\n"
    rows = []
    for name in sorted(props):
        spec = props[name]
        flags = ["yes" if name in required else ""]
        if with_replaces:
            flags.append("yes" if spec.get("replaceOnChanges") else "")
        secret = " (secret)" if spec.get("secret") else ""
        rows.append(f"| `{name}` | {type_name(spec)}{secret} | {' | '.join(flags)} | {cell(spec.get('description'))} |")
    return head + "\n".join(rows) + "\n"


def resource_page(token, res):
    module, name = token_parts(token)
    inputs = res.get("inputProperties", {})
    if res.get("isComponent"):
        outputs = res.get("properties", {})
        changes = ("A component resource: it is made of child resources, each of its own type, and a change "
                   "to an input updates or replaces only the children that input feeds "
                   "([components](../components.md)).")
        heading = "## Outputs\n\n"
    else:
        outputs = {k: v for k, v in res.get("properties", {}).items() if k not in inputs}
        changes = "A change to an input marked *replaces* makes a new resource; every other change is made in place."
        heading = "## Outputs\n\nEvery input, with its default filled in, and:\n\n"
    return (f"# {name}\n\n`{token}`\n\n{res.get('description', '')}\n\n"
            f"## Inputs\n\n{changes}\n\n"
            f"{property_table(inputs, set(res.get('requiredInputs', [])), not res.get('isComponent'))}\n"
            f"{heading}{property_table(outputs, set(res.get('required', [])), False)}")


def types_page(types):
    out = ["# Types\n\nThe object and enum types the resources' inputs and outputs use.\n"]
    for token in sorted(types, key=lambda t: token_parts(t)[1]):
        _, name = token_parts(token)
        spec = types[token]
        out.append(f"## {name}\n\n{spec.get('description', '')}\n")
        if "enum" in spec:
            out.append("| value | description |\n|---|---|\n" + "\n".join(
                f"| `{v['value']}` | {cell(v.get('description'))} |" for v in spec["enum"]) + "\n")
        else:
            out.append(property_table(spec.get("properties", {}), set(spec.get("required", [])), False))
    return "\n".join(out)


def index_page(schema, resources):
    rows = "\n".join(f"| [{token_parts(t)[1]}]({token_parts(t)[0]}-{token_parts(t)[1]}.md) | `{t}` | "
                     f"{cell(schema['resources'][t].get('description', '')).split('. ')[0]}. |" for t in resources)
    config = property_table(schema.get("config", {}).get("variables", {}), set(), False)
    return (f"# API reference: {schema.get('displayName', schema['name'])} {schema.get('version', '')}\n\n"
            f"Generated from `provider/schema.json` by `scripts/apidocs.py` (`make sdks`).\n\n"
            f"| resource | token | what it is |\n|---|---|---|\n{rows}\n\n"
            f"The [types](types.md) the resources use.\n\n"
            f"## Provider configuration (`healthcare:<key>`)\n\n{config}")


def main(schema_path, out_dir):
    schema = json.loads(Path(schema_path).read_text())
    out = Path(out_dir)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    resources = sorted(schema["resources"], key=lambda t: token_parts(t)[1])
    for token in resources:
        module, name = token_parts(token)
        (out / f"{module}-{name}.md").write_text(resource_page(token, schema["resources"][token]))
    (out / "types.md").write_text(types_page(schema.get("types", {})))
    (out / "README.md").write_text(index_page(schema, resources))
    print(f"api docs: {len(resources)} resources, {len(schema.get('types', {}))} types in {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: apidocs.py <schema.json> <out-dir>")
    main(sys.argv[1], sys.argv[2])
