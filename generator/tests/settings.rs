//! Settings of the generated code beyond the spec on the command line (`--trait-name`,
//! `--nullable`, `--set`): each is recorded in the crate's manifest, so `check DIR`
//! reproduces it, and a bad one is refused before anything is written.

mod common;

use common::{snapshot, specfirst, text, with_bookshelf};

#[test]
fn the_trait_name_is_a_setting_that_check_reproduces() {
    let temp = with_bookshelf();
    let generate = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "bookshelf.yaml",
            "--out",
            "api",
            "--runtime-path",
            "../runtime",
        ];
        args.extend_from_slice(extra);
        specfirst(&args, temp.path())
    };
    let out = generate(&["--trait-name", "Shelf"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = std::fs::read_to_string(temp.path().join("api/src/generated.rs")).expect("written");
    assert!(
        code.contains("pub trait Shelf: ShelfAuth + Send"),
        "the trait"
    );
    assert!(code.contains("pub trait ShelfAuth: Send"), "the auth trait");
    assert!(code.contains("pub fn router<A: Shelf>("), "the router");
    assert!(
        !code.contains("BookshelfApi"),
        "no trace of the title's name"
    );
    let manifest = std::fs::read_to_string(temp.path().join("api/Cargo.toml")).expect("written");
    assert!(
        manifest.contains("\ntrait_name = \"Shelf\"\n"),
        "recorded: {manifest}"
    );

    // The directory alone reproduces it; another name given over it makes it stale.
    let out = specfirst(&["check", "api"], temp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = specfirst(&["check", "api", "--trait-name", "Books"], temp.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("--trait-name Books"),
        "the hint carries the setting: {}",
        text(&out.stderr)
    );

    // A name Rust or the generated module cannot take is refused before anything is
    // written, from the command line and from a configuration alike.
    let before = snapshot(temp.path());
    for bad in ["2Shelf", "Shelf-Api", "fn", "Result"] {
        let out = generate(&["--trait-name", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(bad), "{}", text(&out.stderr));
    }
    std::fs::write(
        temp.path().join("specfirst.toml"),
        "[[crate]]\nspec = \"bookshelf.yaml\"\ndir = \"api\"\ntrait_name = \"my trait\"\n",
    )
    .expect("writable");
    let out = specfirst(&["generate", "--config", "specfirst.toml"], temp.path());
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("trait name \"my trait\" is not a Rust identifier"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_file(temp.path().join("specfirst.toml")).expect("removable");
    assert!(before == snapshot(temp.path()), "nothing was written");
}

#[test]
fn the_nullable_setting_is_recorded_and_check_reproduces_it() {
    let temp = with_bookshelf();
    let generate = |extra: &[&str]| {
        let mut args = vec!["generate", "bookshelf.yaml", "--out", "api"];
        args.extend_from_slice(extra);
        specfirst(&args, temp.path())
    };
    let out = generate(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = std::fs::read_to_string(temp.path().join("api/src/generated.rs")).expect("written");
    assert!(
        code.contains("pub published_year: ::specfirst_runtime::Nullable<i32>,"),
        "three states by default"
    );

    let out = generate(&["--nullable", "option"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = std::fs::read_to_string(temp.path().join("api/src/generated.rs")).expect("written");
    assert!(
        code.contains("pub published_year: Option<i32>,"),
        "a plain option"
    );
    assert!(!code.contains("Nullable"), "no three states anywhere");
    let manifest = std::fs::read_to_string(temp.path().join("api/Cargo.toml")).expect("written");
    assert!(
        manifest.contains("\nnullable = \"option\"\n"),
        "recorded: {manifest}"
    );
    let out = specfirst(&["check", "api"], temp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = specfirst(&["check", "api", "--nullable", "three-state"], temp.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));

    let before = snapshot(temp.path());
    let out = generate(&["--nullable", "maybe"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("choose three-state or option"),
        "{}",
        text(&out.stderr)
    );
    assert!(before == snapshot(temp.path()), "nothing was written");
}

#[test]
fn customising_settings_are_recorded_and_check_reproduces_them() {
    let temp = with_bookshelf();
    let sets = [
        r#"derives=["PartialEq"]"#,
        r#"types.Book.rename="Volume""#,
        r#"types.Genre.replace="my_types::Genre""#,
        r#"method_names.listBooks="books""#,
        r#"dependencies.my-types={ path = "../my-types" }"#,
    ];
    let mut args = vec![
        "generate",
        "bookshelf.yaml",
        "--out",
        "api",
        "--split",
        "always",
    ];
    for set in &sets {
        args.extend(["--set", set]);
    }
    let out = specfirst(&args, temp.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = std::fs::read_to_string(temp.path().join("api/src/generated.rs")).expect("written");
    assert!(code.contains("    fn books(\n"), "the method's name");
    assert!(
        code.contains("Vec<types::Volume>") || code.contains("Volume"),
        "the type's name"
    );
    let manifest = std::fs::read_to_string(temp.path().join("api/Cargo.toml")).expect("written");
    for line in [
        "types.Book.rename = \"Volume\"\n",
        "method_names.listBooks = \"books\"\n",
        "my-types = { path = \"../my-types\" }\n",
    ] {
        assert!(manifest.contains(line), "{line} in {manifest}");
    }
    // The model crate names the replacement, one directory deeper.
    let models = std::fs::read_to_string(temp.path().join("api/models-1/Cargo.toml"))
        .expect("a model crate");
    assert!(
        models.contains("my-types = { path = \"../../my-types\" }\n"),
        "{models}"
    );
    let types: String = ["models-1", "models-2"]
        .iter()
        .map(|part| {
            std::fs::read_to_string(temp.path().join("api").join(part).join("src/generated.rs"))
                .expect("written")
        })
        .collect();
    assert!(
        types.contains("pub genre: my_types::Genre,"),
        "the replacement"
    );
    assert!(!types.contains("pub enum Genre"), "no generated Genre");

    // The directory alone reproduces it; the stale hint carries every setting.
    let out = specfirst(&["check", "api"], temp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = specfirst(&["check", "api", "--set", "derives=[\"Eq\"]"], temp.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let hint = text(&out.stderr);
    assert!(
        hint.contains("--set 'types.Book.rename=\"Volume\"'"),
        "{hint}"
    );

    // Settings naming what the spec does not have are refused, with the name meant.
    let before = snapshot(temp.path());
    let out = specfirst(
        &[
            "generate",
            "bookshelf.yaml",
            "--out",
            "api",
            "--set",
            "types.Bok.derives=[\"Hash\"]",
        ],
        temp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("did you mean \"Book\""),
        "{}",
        text(&out.stderr)
    );
    let out = specfirst(
        &[
            "generate",
            "bookshelf.yaml",
            "--out",
            "api",
            "--set",
            "types.Book.rename=3",
        ],
        temp.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(before == snapshot(temp.path()), "nothing was written");
}
