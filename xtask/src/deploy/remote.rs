//! The VPS over SSH: one `ssh` invocation per remote step, its command line shown before it runs
//! (secrets only ever travel on stdin, never in a command), or only shown under `--dry-run`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use anyhow::Context as _;
use xshell::{Shell, cmd};

/// How to reach the VPS.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) identity: Option<PathBuf>,
    pub(crate) known_hosts: Option<PathBuf>,
}

/// Runs commands on the VPS, or prints them under `--dry-run`.
pub(crate) struct Remote<'a> {
    sh: &'a Shell,
    target: Target,
    dry_run: bool,
}

impl<'a> Remote<'a> {
    pub(crate) fn new(sh: &'a Shell, target: Target, dry_run: bool) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !target.host.is_empty()
                && !target.host.starts_with('-')
                && target
                    .host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)),
            "the host must be a name or an IP address, not '{}'",
            target.host
        );
        anyhow::ensure!(
            !target.user.is_empty()
                && !target.user.starts_with('-')
                && target
                    .user
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "the user must be a plain login name, not '{}'",
            target.user
        );
        Ok(Self {
            sh,
            target,
            dry_run,
        })
    }

    /// `user@host` (port apart), for messages.
    pub(crate) fn destination(&self) -> String {
        format!("{}@{}", self.target.user, self.target.host)
    }

    /// The options every `ssh` call gets: no prompts, timeouts, the key, and host key checking
    /// (strict against `--known-hosts` when given, otherwise trust on first use).
    pub(crate) fn ssh_options(&self) -> Vec<String> {
        let mut args: Vec<String> = [
            "-p",
            &self.target.port.to_string(),
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=15",
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=4",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        if let Some(identity) = &self.target.identity {
            args.extend([
                "-i".to_owned(),
                identity.display().to_string(),
                "-o".to_owned(),
                "IdentitiesOnly=yes".to_owned(),
            ]);
        }
        match &self.target.known_hosts {
            Some(file) => args.extend([
                "-o".to_owned(),
                format!("UserKnownHostsFile={}", file.display()),
                "-o".to_owned(),
                "StrictHostKeyChecking=yes".to_owned(),
            ]),
            None => args.extend([
                "-o".to_owned(),
                "StrictHostKeyChecking=accept-new".to_owned(),
            ]),
        }
        args
    }

    /// The full `ssh` command line, as printed once at the start.
    pub(crate) fn describe(&self) -> String {
        format!(
            "ssh {} {} '<command>'",
            self.ssh_options().join(" "),
            self.destination()
        )
    }

    fn cmd(&self, remote: &str) -> xshell::Cmd<'a> {
        let options = self.ssh_options();
        let destination = self.destination();
        cmd!(self.sh, "ssh {options...} {destination} {remote}").quiet()
    }

    fn show(&self, remote: &str, stdin_note: Option<&str>) {
        let prefix = if self.dry_run { "(dry run) " } else { "" };
        match stdin_note {
            Some(note) => println!("    {prefix}[vps] $ {remote}    <stdin: {note}>"),
            None => println!("    {prefix}[vps] $ {remote}"),
        }
    }

    /// Runs `remote`, its output going to the terminal.
    pub(crate) fn run(&self, remote: &str) -> anyhow::Result<()> {
        self.show(remote, None);
        if self.dry_run {
            return Ok(());
        }
        let status = Command::from(self.cmd(remote))
            .stdin(Stdio::null())
            .status()
            .context("could not run ssh")?;
        check(remote, status)
    }

    /// Runs `remote` and returns its standard output (`None` under `--dry-run`).
    pub(crate) fn read(&self, remote: &str) -> anyhow::Result<Option<String>> {
        self.show(remote, None);
        if self.dry_run {
            return Ok(None);
        }
        let output = Command::from(self.cmd(remote))
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .context("could not run ssh")?;
        check(remote, output.status)?;
        Ok(Some(
            String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_owned(),
        ))
    }

    /// Runs `remote` and tells whether it exited 0 (under `--dry-run`: `assume`).
    pub(crate) fn succeeds(&self, remote: &str, assume: bool) -> anyhow::Result<bool> {
        self.show(remote, None);
        if self.dry_run {
            return Ok(assume);
        }
        let status = Command::from(self.cmd(remote))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .context("could not run ssh")?;
        // 255: ssh itself failed (connection, authentication), not the command.
        anyhow::ensure!(status.code() != Some(255), "ssh to the VPS failed");
        Ok(status.success())
    }

    /// Runs `remote` with `stdin` as its input; `note` says what the input is (never the input).
    pub(crate) fn run_with_stdin(
        &self,
        remote: &str,
        stdin: &[u8],
        note: &str,
    ) -> anyhow::Result<()> {
        self.show(remote, Some(note));
        if self.dry_run {
            return Ok(());
        }
        let mut child = Command::from(self.cmd(remote))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .context("could not run ssh")?;
        let mut input = child.stdin.take().context("ssh has no standard input")?;
        let written = input.write_all(stdin);
        drop(input);
        let status = child.wait().context("ssh did not finish")?;
        check(remote, status)?;
        written.context("could not send the input to the VPS")
    }

    /// `docker save IMAGE | ssh VPS docker load`, compressed by ssh (`-C`).
    pub(crate) fn send_image(&self, image: &str) -> anyhow::Result<()> {
        let prefix = if self.dry_run { "(dry run) " } else { "" };
        println!(
            "    {prefix}$ docker save {image} | ssh -C {} 'docker load'",
            self.destination()
        );
        if self.dry_run {
            return Ok(());
        }
        let mut save = Command::new("docker")
            .args(["save", image])
            .stdout(Stdio::piped())
            .spawn()
            .context("could not run docker save")?;
        let image_stream = save
            .stdout
            .take()
            .context("docker save has no standard output")?;
        let load = Command::new("ssh")
            .arg("-C")
            .args(self.ssh_options())
            .arg(self.destination())
            .arg("docker load")
            .current_dir(self.sh.current_dir())
            .stdin(Stdio::from(image_stream))
            .output()
            .context("could not run ssh docker load")?;
        let saved = save.wait().context("docker save did not finish")?;
        anyhow::ensure!(saved.success(), "docker save {image} failed ({saved})");
        anyhow::ensure!(
            load.status.success(),
            "docker load on the VPS failed ({}): {}",
            load.status,
            String::from_utf8_lossy(&load.stderr).trim()
        );
        for line in String::from_utf8_lossy(&load.stdout).lines() {
            println!("    {line}");
        }
        Ok(())
    }
}

/// An error naming the remote command when it failed (ssh exits 255 when ssh itself failed).
fn check(remote: &str, status: std::process::ExitStatus) -> anyhow::Result<()> {
    match status.code() {
        Some(0) => Ok(()),
        Some(255) => anyhow::bail!("ssh to the VPS failed (exit 255) running: {remote}"),
        _ => anyhow::bail!("on the VPS, `{remote}` failed ({status})"),
    }
}

/// `text` as one single-quoted word for a POSIX shell.
pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting_keeps_every_character_literal() {
        assert_eq!(quote("techno-scraper"), "'techno-scraper'");
        assert_eq!(quote("a'b"), r"'a'\''b'");
        assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
