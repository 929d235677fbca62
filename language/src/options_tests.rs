use prost_types::value::Kind;
use prost_types::{Struct, Value};

use super::*;

fn options(pairs: &[(&str, Kind)]) -> Struct {
    Struct {
        fields: pairs
            .iter()
            .map(|(k, v)| {
                let value = Value {
                    kind: Some(v.clone()),
                };
                (k.to_string(), value)
            })
            .collect(),
    }
}

fn text(s: &str) -> Kind {
    Kind::StringValue(s.to_string())
}

#[test]
fn no_options_build_this_repositorys_provider_in_release() {
    let got = PluginOptions::from_struct(None).unwrap();
    assert_eq!(got.package, "pulumi-resource-healthcare");
    assert_eq!(got.binary, "pulumi-resource-healthcare");
    assert_eq!(got.profile, "release");
    assert_eq!(
        PluginOptions::from_struct(Some(&Struct::default())).unwrap(),
        got
    );
}

#[test]
fn the_binary_defaults_to_the_package_name() {
    let got = PluginOptions::from_struct(Some(&options(&[("package", text("pulumi-resource-x"))])))
        .unwrap();
    assert_eq!(got.binary, "pulumi-resource-x");
    assert_eq!(got.profile, "release");
}

#[test]
fn every_option_is_read() {
    let got = PluginOptions::from_struct(Some(&options(&[
        ("package", text("my-provider")),
        ("binary", text("pulumi-resource-mine")),
        ("profile", text("dev_fast")),
    ])))
    .unwrap();
    assert_eq!(
        got,
        PluginOptions {
            package: "my-provider".into(),
            binary: "pulumi-resource-mine".into(),
            profile: "dev_fast".into(),
        }
    );
}

#[test]
fn a_null_option_takes_its_default() {
    let got =
        PluginOptions::from_struct(Some(&options(&[("profile", Kind::NullValue(0))]))).unwrap();
    assert_eq!(got.profile, "release");
}

#[test]
fn an_unknown_option_is_refused_by_name() {
    let err = PluginOptions::from_struct(Some(&options(&[("packge", text("x"))]))).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("`packge`"), "{message}");
    assert!(message.contains("package, binary, profile"), "{message}");
}

#[test]
fn a_value_that_is_not_a_string_is_refused() {
    let err = PluginOptions::from_struct(Some(&options(&[("profile", Kind::NumberValue(3.0))])))
        .unwrap_err();
    assert!(err.to_string().contains("must be a string"), "{err}");
}

#[test]
fn a_value_that_could_read_as_a_flag_or_a_path_is_refused() {
    for bad in ["--release", "", "../x", "a b", "x;y"] {
        let err = PluginOptions::from_struct(Some(&options(&[("package", text(bad))])));
        assert!(
            matches!(err, Err(Error::InvalidOption { ref key, .. }) if key == "package"),
            "{bad:?} gave {err:?}"
        );
    }
}
