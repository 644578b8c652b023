//! A saved profile into a [`Target`] to connect to: `${env:NAME}` references resolved at connect time.

use super::Target;
use super::profiles::{EnvValue, Profile, Transport};
use super::stdio::StdioCommand;

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn resolve_all<'a>(
    values: impl Iterator<Item = (&'a String, &'a EnvValue)>,
    lookup: Lookup<'_>,
    field: &str,
) -> Result<Vec<(String, String)>, String> {
    values
        .map(|(name, value)| {
            value
                .resolve(lookup)
                .map(|resolved| (name.clone(), resolved))
                .map_err(|e| format!("{field} {name}: {e}"))
        })
        .collect()
}

/// The target `profile` describes; an unset variable is an error naming it (and the field).
pub fn resolve_target(profile: &Profile, lookup: Lookup<'_>) -> Result<Target, String> {
    let in_profile = |message: String| format!("profile `{}`: {message}", profile.name);
    match &profile.transport {
        Transport::Stdio {
            command,
            args,
            cwd,
            env,
        } => Ok(Target::Stdio(StdioCommand {
            command: command.clone(),
            args: args.clone(),
            cwd: cwd.clone(),
            env: resolve_all(env.iter(), lookup, "env").map_err(in_profile)?,
        })),
        Transport::StreamableHttp { url, headers } => Ok(Target::StreamableHttp {
            url: url.clone(),
            headers: resolve_all(headers.iter(), lookup, "header").map_err(in_profile)?,
        }),
        Transport::Sse { url, headers } => Ok(Target::Sse {
            url: url.clone(),
            headers: resolve_all(headers.iter(), lookup, "header").map_err(in_profile)?,
        }),
    }
}
