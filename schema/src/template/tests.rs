//! Broken templates give every problem, each with its JSON path and a plain reason.

use super::*;

fn problems(json: &str) -> Vec<(String, String)> {
    match Template::from_json(json) {
        Ok(_) => panic!("expected the template to be refused"),
        Err(e) => e.problems.into_iter().map(|p| (p.path, p.reason)).collect(),
    }
}

fn with_fields(fields: &str) -> String {
    format!(
        r#"{{"id":"t","version":1,"category":"c","title":{{"de":"T","en":"T"}},
        "sections":[{{"key":"s","title":{{"de":"S","en":"S"}},"fields":[{fields}]}}]}}"#
    )
}

const YES_NO: &str = r#"{"key":"a","type":"yes_no","label":{"de":"A","en":"A"}}"#;

#[test]
fn a_minimal_template_loads_and_round_trips_through_json() {
    let t = Template::from_json(&with_fields(YES_NO)).unwrap();
    assert_eq!(Template::from_json(&t.to_json()).unwrap(), t);
}

#[test]
fn syntax_errors_name_the_line() {
    let p = problems("{\"id\": ");
    assert_eq!(p[0].0, "$");
    assert!(p[0].1.contains("line 1"), "{}", p[0].1);
}

#[test]
fn missing_and_unknown_keys_are_named_with_their_path() {
    let p = problems(r#"{"id":"t","version":1,"category":"c","title":{"de":"T"},"sections":[]}"#);
    assert_eq!(p[0].0, "$.title");
    assert!(p[0].1.contains("missing field `en`"), "{}", p[0].1);

    let p = problems(&with_fields(
        r#"{"key":"a","type":"integer","label":{"de":"A","en":"A"},"requried":true}"#,
    ));
    assert_eq!(p[0].0, "$.sections[0].fields[0].requried");
    assert!(p[0].1.contains("unknown key `requried`"), "{}", p[0].1);
}

#[test]
fn an_unknown_field_type_is_named() {
    let p = problems(&with_fields(
        r#"{"key":"a","type":"colour","label":{"de":"A","en":"A"}}"#,
    ));
    assert_eq!(p[0].0, "$.sections[0].fields[0]");
    assert!(p[0].1.contains("unknown variant `colour`"), "{}", p[0].1);
}

#[test]
fn every_broken_field_is_reported_not_just_the_first() {
    let p = problems(&with_fields(
        r#"{"key":"a","type":"integer","label":{"de":"A","en":"A"},"min":"x"},
           {"key":"b","type":"nope","label":{"de":"B","en":"B"}}"#,
    ));
    assert_eq!(p.len(), 2, "{p:?}");
    assert_eq!(p[0].0, "$.sections[0].fields[0].min");
    assert_eq!(p[1].0, "$.sections[0].fields[1]");
}

#[test]
fn consistency_rules_are_all_reported_with_paths() {
    let p = problems(&with_fields(
        r#"{"key":"a","type":"integer","label":{"de":"A","en":"A"},"min":5,"max":1},
           {"key":"a","type":"yes_no","label":{"de":"","en":"B"}},
           {"key":"c","type":"short_text","label":{"de":"C","en":"C"},"visible_when":{"field":"zzz","any_of":[true]}},
           {"key":"d","type":"short_text","label":{"de":"D","en":"D"},"pattern":"([a-z"},
           {"key":"e","type":"photos","label":{"de":"E","en":"E"},"min_count":3,"max_count":2},
           {"key":"f","type":"single_choice","label":{"de":"F","en":"F"},"options":[
               {"value":"x","label":{"de":"X","en":"X"}},{"value":"x","label":{"de":"Y","en":"Y"}}]},
           {"key":"g","type":"date","label":{"de":"G","en":"G"},"prefill":"device_position"},
           {"key":"h","type":"integer","label":{"de":"H","en":"H"},"max":3,"default":4},
           {"key":"i","type":"yes_no","label":{"de":"I","en":"I"},"visible_when":{"field":"f","any_of":["y"]}},
           {"key":"j","type":"yes_no","label":{"de":"J","en":"J"},"visible_when":{"field":"d","any_of":["x"]}}"#,
    ));
    let expect = [
        (
            "$.sections[0].fields[0].min",
            "min (5) is greater than max (1)",
        ),
        (
            "$.sections[0].fields[1].label.de",
            "the German text is empty",
        ),
        ("$.sections[0].fields[1].key", "duplicate field key `a`"),
        (
            "$.sections[0].fields[2].visible_when.field",
            "`zzz`, which is not a field before this one",
        ),
        (
            "$.sections[0].fields[3].pattern",
            "not a valid regular expression",
        ),
        (
            "$.sections[0].fields[4].min_count",
            "min_count (3) is greater than max_count (2)",
        ),
        (
            "$.sections[0].fields[5].options[1].value",
            "duplicate option value `x`",
        ),
        (
            "$.sections[0].fields[6].prefill",
            "`device_position` cannot fill a field of type `date`",
        ),
        (
            "$.sections[0].fields[7].default",
            "4 is more than the maximum 3",
        ),
        (
            "$.sections[0].fields[8].visible_when.any_of[0]",
            "`f` has no option `y`",
        ),
        (
            "$.sections[0].fields[9].visible_when.field",
            "only depend on choice or yes/no fields",
        ),
    ];
    assert_eq!(p.len(), expect.len(), "{p:#?}");
    for ((path, reason), (want_path, want_reason)) in p.iter().zip(expect) {
        assert_eq!(path, want_path);
        assert!(
            reason.contains(want_reason),
            "{path}: `{reason}` should say `{want_reason}`"
        );
    }
}

#[test]
fn a_condition_on_a_later_field_is_refused() {
    let later = r#"{"key":"b","type":"short_text","label":{"de":"B","en":"B"},"visible_when":{"field":"a","any_of":[true]}}"#;
    let p = problems(&with_fields(&format!("{later},{YES_NO}")));
    assert_eq!(p[0].0, "$.sections[0].fields[0].visible_when.field");
}

#[test]
fn the_error_message_lists_every_problem() {
    let err = Template::from_json(&with_fields(
        r#"{"key":"a","type":"integer","label":{"de":"A","en":"A"},"min":5,"max":1},
           {"key":"b","type":"photos","label":{"de":"B","en":"B"},"max_count":0}"#,
    ))
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("the template has 2 problems"),
        "{message}"
    );
    assert!(
        message.contains("$.sections[0].fields[1].max_count"),
        "{message}"
    );
}

fn service(audience: &str, service: &str, fields: &str) -> String {
    format!(
        r#"{{"id":"t","version":1,"category":"c",{audience}{service}"title":{{"de":"T","en":"T"}},
        "sections":[{{"key":"s","title":{{"de":"S","en":"S"}},"fields":[{fields}]}}]}}"#
    )
}

const SERVICE: &str = r#""service":{"keywords":{"de":["Sperrmüll"],"en":["bulky waste"]},
    "office":{"name":{"de":"Ordnungsamt","en":"Public order office"},"email":"oa@example.org"},
    "handled_with":"illegal-waste-dumping"},"#;

#[test]
fn a_citizen_service_loads_and_round_trips_through_json() {
    let t = Template::from_json(&service(r#""audience":"citizen","#, SERVICE, YES_NO)).unwrap();
    assert_eq!(t.audience, Audience::Citizen);
    let info = t.service.as_ref().unwrap();
    assert_eq!(info.keywords.get(crate::Language::De), ["Sperrmüll"]);
    assert_eq!(info.handled_with.as_deref(), Some("illegal-waste-dumping"));
    assert_eq!(Template::from_json(&t.to_json()).unwrap(), t);
    // An officer's template leaves the audience out of its JSON, as before services existed.
    let officer = Template::from_json(&with_fields(YES_NO)).unwrap();
    assert_eq!(officer.audience, Audience::Officer);
    assert!(!officer.to_json().contains("audience"));
}

#[test]
fn audience_and_service_belong_together() {
    let p = problems(&service(r#""audience":"citizen","#, "", YES_NO));
    assert_eq!(p[0].0, "$.service");
    assert!(p[0].1.contains("needs `service`"), "{}", p[0].1);
    let p = problems(&service("", SERVICE, YES_NO));
    assert_eq!(p[0].0, "$.service");
    assert!(p[0].1.contains("audience"), "{}", p[0].1);
}

#[test]
fn a_service_names_its_words_and_a_reachable_office() {
    let broken = r#""service":{"keywords":{"de":[],"en":[" "]},
        "office":{"name":{"de":"","en":"Office"},"email":"nobody"},"handled_with":"Not A Slug"},"#;
    let p = problems(&service(r#""audience":"citizen","#, broken, YES_NO));
    let paths: Vec<&str> = p.iter().map(|(path, _)| path.as_str()).collect();
    for expected in [
        "$.service.keywords.de",
        "$.service.keywords.en[0]",
        "$.service.office.name.de",
        "$.service.office.email",
        "$.service.handled_with",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {p:?}");
    }
}

#[test]
fn a_citizen_form_asks_nothing_only_an_officer_can_answer() {
    let fields = r#"{"key":"n","type":"officer_notes","label":{"de":"N","en":"N"}},
        {"key":"o","type":"short_text","prefill":"officer_name","label":{"de":"O","en":"O"}},
        {"key":"c","type":"short_text","prefill":"citizen_name","label":{"de":"C","en":"C"}}"#;
    let p = problems(&service(r#""audience":"citizen","#, SERVICE, fields));
    assert_eq!(
        p.iter().map(|(path, _)| path.as_str()).collect::<Vec<_>>(),
        [
            "$.sections[0].fields[0].type",
            "$.sections[0].fields[1].prefill"
        ],
        "{p:?}"
    );
}
