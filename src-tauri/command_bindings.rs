//! The UI's typed command functions, event names and error kinds, generated from the Rust
//! side into `ui/src/lib/api/commands.ts` and `names.ts`, so no command name, argument name, event name or
//! error kind is typed by hand in TypeScript. Each `#[tauri::command]` function under
//! `src-tauri/commands/` is read with `syn`: its name, its arguments (Tauri's own `State`,
//! `AppHandle` and `Window` left out; `job_id` and a `Channel<Progress>` make it a job the UI
//! can follow and cancel), its doc comment and its `CommandResult<T>`. Types map to the
//! ts-rs declarations in `bindings/`. The test fails when the committed file differs; run
//! `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings` to rewrite it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

/// Where the generated files go, relative to the repository root.
pub const COMMANDS_FILE: &str = "ui/src/lib/api/commands.ts";
pub const NAMES_FILE: &str = "ui/src/lib/api/names.ts";

/// The events the app emits to the page, by the name the UI knows them by.
fn events() -> [(&'static str, &'static str); 4] {
    [
        ("catalogChanged", crate::events::CATALOG_CHANGED),
        ("menu", crate::menu::MENU_EVENT),
        ("serviceReport", crate::services::SERVICE_EVENT),
        ("teamStatus", crate::team::TEAM_EVENT),
    ]
}

/// The URI schemes the page loads photos from.
fn schemes() -> [(&'static str, &'static str); 2] {
    [
        ("thumb", crate::schemes::THUMB),
        ("original", crate::schemes::ORIGINAL),
    ]
}

struct Command {
    name: String,
    docs: Vec<String>,
    args: Vec<(String, String)>,
    result: String,
    job: bool,
}

/// Words JavaScript reserves: an argument named so (`rename_tag`'s `new`) gets a `_` in the
/// function's parameter list and keeps its name as the command's argument key.
const RESERVED: &[&str] = &[
    "new", "class", "default", "delete", "function", "in", "var", "const", "let", "enum", "export", "import",
    "return", "switch", "this", "typeof", "void", "with", "yield",
];

fn param_of(name: &str) -> String {
    if RESERVED.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

fn key_of(name: &str) -> String {
    if RESERVED.contains(&name) {
        format!("{name}: {name}_")
    } else {
        name.to_owned()
    }
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last(),
        _ => None,
    }
}

fn generic_arg(segment: &syn::PathSegment) -> Option<&syn::Type> {
    match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    }
}

/// The TypeScript type of a Rust argument or result type; named types are recorded in
/// `imports` (each has a ts-rs declaration in `bindings/`).
fn ts_type(ty: &syn::Type, imports: &mut BTreeSet<String>) -> String {
    match ty {
        syn::Type::Tuple(t) if t.elems.is_empty() => "void".into(),
        syn::Type::Reference(r) => ts_type(&r.elem, imports),
        syn::Type::Path(_) => {
            let segment = last_segment(ty).expect("a path type has a last segment");
            let name = segment.ident.to_string();
            match name.as_str() {
                "String" | "str" | "PathBuf" => "string".into(),
                "i64" | "i32" | "i16" | "u64" | "u32" | "u16" | "u8" | "usize" | "f64" | "f32" => {
                    "number".into()
                }
                "bool" => "boolean".into(),
                "Value" => "unknown".into(),
                "Vec" => {
                    let inner = ts_type(generic_arg(segment).expect("Vec<T>"), imports);
                    if inner.contains(' ') {
                        format!("({inner})[]")
                    } else {
                        format!("{inner}[]")
                    }
                }
                "Option" => format!(
                    "{} | null",
                    ts_type(generic_arg(segment).expect("Option<T>"), imports)
                ),
                "CommandResult" => ts_type(generic_arg(segment).expect("CommandResult<T>"), imports),
                _ => {
                    imports.insert(name.clone());
                    name
                }
            }
        }
        other => panic!("no TypeScript type for {}", quote_type(other)),
    }
}

fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::"),
        _ => "an unnamed type".into(),
    }
}

fn is_command(f: &syn::ItemFn) -> bool {
    f.attrs.iter().any(|a| {
        let segments: Vec<String> = a.path().segments.iter().map(|s| s.ident.to_string()).collect();
        segments == ["tauri", "command"]
    })
}

fn docs_of(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_owned()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn command_of(f: &syn::ItemFn, imports: &mut BTreeSet<String>) -> Command {
    let mut args = Vec::new();
    let mut job = false;
    for input in &f.sig.inputs {
        let syn::FnArg::Typed(arg) = input else { continue };
        let syn::Pat::Ident(pat) = arg.pat.as_ref() else {
            continue;
        };
        let name = pat.ident.to_string();
        let kind = last_segment(&arg.ty)
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match kind.as_str() {
            "State" | "AppHandle" | "Window" | "WebviewWindow" => continue,
            "Channel" => {
                job = true;
                imports.insert("Progress".into());
                continue;
            }
            _ => args.push((camel(&name), ts_type(&arg.ty, imports))),
        }
    }
    if job {
        // The job's id is chosen by `startJob`, which passes it with the channel.
        args.retain(|(name, _)| name != "jobId");
    }
    let result = match &f.sig.output {
        syn::ReturnType::Type(_, ty) => ts_type(ty, imports),
        syn::ReturnType::Default => "void".into(),
    };
    Command {
        name: f.sig.ident.to_string(),
        docs: docs_of(&f.attrs),
        args,
        result,
        job,
    }
}

/// Every command of every file in `dir`, in file and source order.
fn commands(dir: &Path, imports: &mut BTreeSet<String>) -> Vec<Command> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        // list.rs is the list of command names (an expression build.rs includes), not a module.
        .filter(|p| p.extension().is_some_and(|x| x == "rs") && !p.ends_with("list.rs"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for item in parsed.items {
            if let syn::Item::Fn(f) = item {
                if is_command(&f) {
                    out.push(command_of(&f, imports));
                }
            }
        }
    }
    out
}

const HEADER: &str = "// Generated from the Rust side (see src-tauri/command_bindings.rs) by\n\
     // `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings`. Do not edit by hand.\n\n";

/// `names.ts`: the events, URI schemes and error kinds.
pub fn names() -> String {
    let mut out = String::from(HEADER);
    out.push_str("/** The events the app emits to the page. */\nexport const EVENTS = {\n");
    for (name, value) in events() {
        let _ = writeln!(out, "  {name}: '{value}',");
    }
    out.push_str(
        "} as const;\n\n/** The URI schemes the page loads photos from. */\nexport const SCHEMES = {\n",
    );
    for (name, value) in schemes() {
        let _ = writeln!(out, "  {name}: '{value}',");
    }
    out.push_str("} as const;\n\n/** Every kind of error a command can reject with. */\nexport const ERROR_KINDS = [\n");
    for kind in shelf_core::ErrorKind::ALL {
        let _ = writeln!(
            out,
            "  {},",
            serde_json::to_string(&kind).unwrap().replace('"', "'")
        );
    }
    out.push_str("] as const;\n");
    out
}

/// `commands.ts`: one function per command.
pub fn generate(commands_dir: &Path) -> String {
    let mut imports = BTreeSet::new();
    let commands = commands(commands_dir, &mut imports);
    let mut out = String::from(HEADER);
    out.push_str("import { call, startJob, type RunningJob } from './ipc';\n");
    for name in &imports {
        let _ = writeln!(out, "import type {{ {name} }} from './bindings/{name}';");
    }
    out.push_str("\n/** One function per command, with the Rust side's argument names and types. */\nexport const commands = {\n");
    for c in &commands {
        if !c.docs.is_empty() {
            out.push_str("  /**\n");
            for line in &c.docs {
                let _ = writeln!(out, "   * {line}");
            }
            out.push_str("   */\n");
        }
        let mut params: Vec<String> = c
            .args
            .iter()
            .map(|(n, t)| format!("{}: {t}", param_of(n)))
            .collect();
        let keys = c
            .args
            .iter()
            .map(|(n, _)| key_of(n))
            .collect::<Vec<_>>()
            .join(", ");
        let name = camel(&c.name);
        if c.job {
            params.push("onProgress: (progress: Progress) => void".into());
            let job_args = if keys.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{ {keys} }}")
            };
            let _ = writeln!(
                out,
                "  {name}({}): RunningJob<{}> {{\n    return startJob('{}', {job_args}, onProgress, (jobId) => commands.cancelJob(jobId));\n  }},",
                params.join(", "),
                c.result,
                c.name
            );
        } else {
            let args = if keys.is_empty() {
                String::new()
            } else {
                format!(", {{ {keys} }}")
            };
            let _ = writeln!(
                out,
                "  {name}({}): Promise<{}> {{\n    return call('{}'{args});\n  }},",
                params.join(", "),
                c.result,
                c.name
            );
        }
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn committed_command_bindings_are_up_to_date() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let fresh = generate(&root.join("src-tauri/commands"));
        for (path, text) in [(COMMANDS_FILE, &fresh), (NAMES_FILE, &names())] {
            let file = root.join(path);
            if std::env::var_os("UPDATE_BINDINGS").is_some() {
                std::fs::write(&file, text).unwrap();
            }
            let committed = std::fs::read_to_string(&file).unwrap_or_default();
            assert!(
                committed == *text,
                "{path} is stale; run `UPDATE_BINDINGS=1 cargo test -p shelfkeeper bindings`"
            );
        }
        // Every registered command is in it.
        let registered: &[&str] = include!("commands/list.rs");
        for name in registered {
            assert!(
                fresh.contains(&format!("call('{name}'")) || fresh.contains(&format!("startJob('{name}'")),
                "{name} is not generated"
            );
        }
    }
}
