//! The fakes are the stand-in for Teleport in every other test: their own self-test (SPEC 4's
//! formats, error texts and exit codes, scenario by scenario) runs with the suite, so a fake
//! that drifts from Teleport fails here rather than making other tests pass for wrong reasons.

use std::process::Command;

#[test]
fn the_fakes_behave_as_teleport_does() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fakes/selftest.sh");
    let out = Command::new("bash").arg(script).output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    let failed: Vec<&str> = report.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert!(
        out.status.success() && failed.is_empty(),
        "{}\n{}",
        failed.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains(", 0 failed"), "{report}");
}
