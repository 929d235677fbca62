//! The schema the plugin serves: provider/schema.json (committed, and checked against the
//! registered types by a unit test), made compact once here so that GetSchema does no work.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=schema.json");
    let text = std::fs::read_to_string("schema.json")?;
    let schema: serde_json::Value = serde_json::from_str(&text)?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("schema.json"), schema.to_string())?;
    Ok(())
}
