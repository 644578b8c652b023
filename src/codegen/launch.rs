//! How a generated project is started over stdio from its directory, with its own language's toolchain:
//! the interpreter or build its README documents. Used by the workbench's "run this connector".

use std::path::Path;

use super::{GeneratedFile, Language};

/// A command line that starts a connector speaking MCP over stdio (anything else it prints goes to stderr).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub program: String,
    pub args: Vec<String>,
    /// Added to the inherited environment.
    pub env: Vec<(String, String)>,
    /// Whether the first start installs or builds (and may take minutes).
    pub builds: bool,
}

/// The launch of the project whose `files` are in `dir`. Python runs on `dir/.venv`'s interpreter when
/// there is one, else on `python` (which must have the project's dependencies); TypeScript installs and
/// builds when `node_modules` or `dist` is missing; Rust runs through `cargo run --release`.
pub fn stdio_launch(
    language: Language,
    dir: &Path,
    files: &[GeneratedFile],
    python: &str,
) -> Result<Launch, String> {
    let transport = ("MCP_TRANSPORT".to_string(), "stdio".to_string());
    let stdio = ["--transport".to_string(), "stdio".to_string()];
    match language {
        Language::Python => {
            let package = files
                .iter()
                .find_map(|f| {
                    f.path
                        .strip_prefix("src/")?
                        .strip_suffix("/__main__.py")
                        .filter(|p| !p.contains('/'))
                })
                .ok_or("the project has no src/<package>/__main__.py")?;
            let venv = dir.join(".venv/bin/python");
            let program = if venv.exists() {
                venv.display().to_string()
            } else {
                python.to_string()
            };
            let mut args = vec!["-m".to_string(), package.to_string()];
            args.extend(stdio);
            Ok(Launch {
                program,
                args,
                env: vec![
                    ("PYTHONPATH".into(), dir.join("src").display().to_string()),
                    transport,
                ],
                builds: false,
            })
        }
        Language::Typescript => {
            let script = "set -e; \
                 [ -d node_modules ] || npm install --no-audit --no-fund >&2; \
                 [ -f dist/src/main.js ] || npm run build >&2; \
                 exec node dist/src/main.js --transport stdio";
            Ok(Launch {
                program: "sh".into(),
                args: vec!["-c".into(), script.into()],
                env: vec![transport],
                builds: !dir.join("dist/src/main.js").exists(),
            })
        }
        Language::Rust => {
            let mut args: Vec<String> = ["run", "--release", "--quiet", "--"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            args.extend(stdio);
            Ok(Launch {
                program: "cargo".into(),
                args,
                env: vec![transport],
                builds: true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_runs_its_package_on_the_projects_venv_when_there_is_one() {
        let dir = tempfile::tempdir().unwrap();
        let files = vec![
            GeneratedFile::text("src/pets_mcp/__init__.py".into(), ""),
            GeneratedFile::text("src/pets_mcp/__main__.py".into(), ""),
        ];
        let launch = stdio_launch(Language::Python, dir.path(), &files, "python3").unwrap();
        assert_eq!(launch.program, "python3");
        assert_eq!(launch.args, ["-m", "pets_mcp", "--transport", "stdio"]);
        assert_eq!(
            launch.env[0].1,
            dir.path().join("src").display().to_string()
        );
        std::fs::create_dir_all(dir.path().join(".venv/bin")).unwrap();
        std::fs::write(dir.path().join(".venv/bin/python"), "").unwrap();
        let launch = stdio_launch(Language::Python, dir.path(), &files, "python3").unwrap();
        assert!(launch.program.ends_with(".venv/bin/python"));
        assert!(stdio_launch(Language::Python, dir.path(), &[], "python3").is_err());
    }

    #[test]
    fn typescript_and_rust_build_first() {
        let dir = tempfile::tempdir().unwrap();
        let ts = stdio_launch(Language::Typescript, dir.path(), &[], "python3").unwrap();
        assert_eq!(ts.program, "sh");
        assert!(ts.builds && ts.args[1].contains("exec node dist/src/main.js"));
        let rust = stdio_launch(Language::Rust, dir.path(), &[], "python3").unwrap();
        assert_eq!(rust.program, "cargo");
        assert_eq!(rust.args.last().unwrap(), "stdio");
    }
}
