//! The catalogue matches the repository: a folder per kata in `katas/` and `solutions/`, and an
//! entry in `CHALLENGES.md` and a README for each.

use std::path::Path;

use kata_core::catalogue::KATAS;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_kata_has_its_folders_and_docs() {
    let challenges = std::fs::read_to_string(root().join("CHALLENGES.md")).expect("CHALLENGES.md");
    for kata in KATAS {
        for dir in ["katas", "solutions"] {
            let lib = root().join(dir).join(kata.name).join("src/lib.rs");
            assert!(lib.is_file(), "{} is missing", lib.display());
        }
        let readme = root().join("katas").join(kata.name).join("README.md");
        assert!(readme.is_file(), "{} is missing", readme.display());
        assert!(
            challenges.contains(&format!("`{}`", kata.name)),
            "CHALLENGES.md does not describe `{}`",
            kata.name
        );
    }
}

#[test]
fn every_kata_folder_is_in_the_catalogue() {
    for dir in ["katas", "solutions"] {
        for entry in std::fs::read_dir(root().join(dir)).expect("folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            assert!(
                kata_core::catalogue::find(&name).is_some(),
                "{dir}/{name} is not in harness/core/src/catalogue.rs"
            );
        }
    }
}
