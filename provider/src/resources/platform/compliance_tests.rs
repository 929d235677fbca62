use super::*;

fn report(rule: &str, satisfied: bool) -> Out {
    Out::known(Value::from_json(&json!({
        "compliant": satisfied,
        "controls": [{"rule": rule, "safeguard": "s", "satisfied": satisfied, "detail": "d"}],
    })))
}

#[test]
fn every_control_is_kept_with_its_part_and_one_failure_fails_the_whole() {
    let out = aggregate(vec![
        ("network", report("a", true)),
        ("cache", report("b", false)),
    ]);
    let j = out.plain().unwrap();
    assert_eq!(j["compliant"], J::Bool(false));
    assert_eq!(j["controls"][0]["resource"], "network");
    assert_eq!(j["controls"][1]["resource"], "cache");
    assert_eq!(j["controls"][1]["rule"], "b");
    let ok = aggregate(vec![("network", report("a", true))])
        .plain()
        .unwrap();
    assert_eq!(ok["compliant"], J::Bool(true));
}

#[test]
fn an_unknown_part_report_leaves_the_whole_unknown() {
    let out = aggregate(vec![
        ("network", report("a", true)),
        ("cache", Out::known(Value::Unknown)),
    ]);
    assert_eq!(out.value, Value::Unknown);
}
