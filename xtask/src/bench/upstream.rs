//! The fast static servers the bench needs: the upstream (recorded pages of ../shared/corpus,
//! served by nginx when it can be had, else by `serve-static`), and the bare actix app serving
//! the gateway's own answer bytes. Both answer from a routes file: one route a line, tab-separated
//! `host  path  delay_ms  content-type  body-file`, where the path may hold `{n}` (digits) and
//! `{s}` (one segment), and `*` as host matches any.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{CONTENT_TYPE, HOST};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context as _;

use crate::process::{Guard, free_port, wait_for_port};

/// One route.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) delay_ms: u64,
    pub(crate) content_type: String,
    pub(crate) file: PathBuf,
}

/// Where each recorded page the bench asks for is served, with the body written to `dir`.
/// `/users/777` answers after a second: the coalescing burst's slow upstream.
pub(crate) fn corpus_routes(corpus: &Path, dir: &Path) -> anyhow::Result<Vec<Route>> {
    std::fs::create_dir_all(dir)?;
    let recorded = |file: &str| -> anyhow::Result<(String, PathBuf)> {
        let path = corpus.join(file);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("could not read {}", path.display()))?;
        let exchange: serde_json::Value = serde_json::from_str(&text)?;
        let response = &exchange["response"];
        let body = response["body"]
            .as_str()
            .with_context(|| format!("{file} has no response body"))?;
        let content_type = response["headers"]["content-type"]
            .as_str()
            .unwrap_or("text/html")
            .to_owned();
        let out = dir.join(file.replace('/', "__"));
        std::fs::write(&out, body)?;
        Ok((content_type, out))
    };
    let route =
        |host: &str, path: &str, delay_ms: u64, (content_type, file): (String, PathBuf)| Route {
            host: host.into(),
            path: path.into(),
            delay_ms,
            content_type,
            file,
        };
    let links = dir.join("web-profiles.json");
    std::fs::write(&links, "[]")?;
    let user = recorded("soundcloud/users_542134.json")?;
    Ok(vec![
        route(
            "bandcamp.com",
            "/search",
            0,
            recorded("bandcamp/search_c418.json")?,
        ),
        route(
            "www.beatport.com",
            "/genre/{s}/12/top-100",
            0,
            recorded("beatport/genre_deep_house_12_top100.json")?,
        ),
        route(
            "soundcloud.com",
            "/",
            0,
            recorded("soundcloud/homepage.json")?,
        ),
        route(
            "a-v2.sndcdn.com",
            "/assets/53-a49d47cd.js",
            0,
            recorded("soundcloud/asset_53-a49d47cd_js.json")?,
        ),
        route("api-v2.soundcloud.com", "/users/777", 1000, user.clone()),
        route("api-v2.soundcloud.com", "/users/{n}", 0, user),
        route(
            "api-v2.soundcloud.com",
            "/users/{n}/web-profiles",
            0,
            ("application/json; charset=utf-8".into(), links),
        ),
    ])
}

/// Writes `routes` where `serve-static` reads them.
pub(crate) fn write_routes(routes: &[Route], file: &Path) -> anyhow::Result<()> {
    let text: String = routes
        .iter()
        .map(|r| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                r.host,
                r.path,
                r.delay_ms,
                r.content_type,
                r.file.display()
            )
        })
        .collect();
    std::fs::write(file, text)?;
    Ok(())
}

fn read_routes(file: &Path) -> anyhow::Result<Vec<(Route, web::Bytes)>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read {}", file.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split('\t').collect();
            let [host, path, delay_ms, content_type, body] = parts[..] else {
                anyhow::bail!("{}: bad route line {line:?}", file.display());
            };
            let bytes = std::fs::read(body).with_context(|| format!("could not read {body}"))?;
            Ok((
                Route {
                    host: host.into(),
                    path: path.into(),
                    delay_ms: delay_ms.parse()?,
                    content_type: content_type.into(),
                    file: PathBuf::from(body),
                },
                web::Bytes::from(bytes),
            ))
        })
        .collect()
}

/// Whether `path` matches `pattern` (`{n}` digits, `{s}` one segment, the rest literal).
pub(crate) fn matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('/');
    let mut got = path.split('/');
    loop {
        match (want.next(), got.next()) {
            (None, None) => return true,
            (Some("{n}"), Some(seg))
                if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) => {}
            (Some("{s}"), Some(seg)) if !seg.is_empty() => {}
            (Some(w), Some(g)) if w == g => {}
            _ => return false,
        }
    }
}

type Table = Arc<Vec<(Route, web::Bytes)>>;

async fn answer(req: HttpRequest, table: web::Data<Table>) -> HttpResponse {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.split(':').next().unwrap_or(h))
        .unwrap_or_default();
    let found = table
        .iter()
        .find(|(r, _)| (r.host == "*" || r.host == host) && matches(&r.path, req.path()));
    match found {
        None => HttpResponse::NotFound().finish(),
        Some((route, body)) => {
            if route.delay_ms > 0 {
                actix_web::rt::time::sleep(Duration::from_millis(route.delay_ms)).await;
            }
            HttpResponse::Ok()
                .insert_header((CONTENT_TYPE, route.content_type.as_str()))
                .body(body.clone())
        }
    }
}

/// `xtask serve-static`: serves a routes file on 127.0.0.1:`port` until killed.
pub(crate) fn serve_static(port: u16, routes: &Path, workers: usize) -> anyhow::Result<()> {
    let table: Table = Arc::new(read_routes(routes)?);
    actix_web::rt::System::new().block_on(async move {
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(table.clone()))
                .default_service(web::to(answer))
        })
        .backlog(4096)
        .bind(("127.0.0.1", port))?;
        if workers > 0 {
            server = server.workers(workers);
        }
        server.run().await
    })?;
    Ok(())
}

/// Starts `serve-static` (this very program, built as `xtask`) on a free port: its guard, port
/// and process id.
pub(crate) fn start_static(
    xtask: &Path,
    routes: &[Route],
    dir: &Path,
    name: &str,
    workers: usize,
) -> anyhow::Result<(Guard, u16, u32)> {
    let file = dir.join(format!("{name}.routes"));
    write_routes(routes, &file)?;
    let port = free_port()?;
    let child = Command::new(xtask)
        .args(["serve-static", "--port", &port.to_string(), "--workers"])
        .arg(workers.to_string())
        .arg("--routes")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start serve-static")?;
    let pid = child.id();
    let mut guard = Guard::new("serve-static", child);
    wait_for_port(port, &mut guard, Duration::from_secs(20))?;
    Ok((guard, port, pid))
}

/// nginx's regular expression for a route path.
fn nginx_regex(pattern: &str) -> String {
    let segments: Vec<String> = pattern
        .split('/')
        .map(|segment| match segment {
            "{n}" => "[0-9]+".to_owned(),
            "{s}" => "[^/]+".to_owned(),
            literal => literal
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        c.to_string()
                    } else {
                        format!("\\{c}")
                    }
                })
                .collect(),
        })
        .collect();
    format!("^{}$", segments.join("/"))
}

/// nginx with a configuration serving `routes` (those without a delay) on a free port, when
/// nginx is installed or can be (apt-get, as root); `None` otherwise. One process, no master: the
/// guard's kill leaves no worker behind.
pub(crate) fn start_nginx(routes: &[Route], dir: &Path) -> anyhow::Result<Option<(Guard, u16)>> {
    let Some(nginx) = find_nginx() else {
        return Ok(None);
    };
    let prefix = dir.join("nginx");
    std::fs::create_dir_all(prefix.join("tmp"))?;
    let port = free_port()?;
    let mut servers = std::collections::BTreeMap::<&str, String>::new();
    for route in routes.iter().filter(|r| r.delay_ms == 0) {
        let file = route
            .file
            .file_name()
            .and_then(|f| f.to_str())
            .context("a body file without a name")?;
        let location = if route.path.contains('{') {
            format!("location ~ {}", nginx_regex(&route.path))
        } else {
            format!("location = {}", route.path)
        };
        servers.entry(&route.host).or_default().push_str(&format!(
            "    {location} {{ types {{ }} default_type \"{}\"; root {}; rewrite ^ /{file} break; }}\n",
            route.content_type,
            route.file.parent().unwrap_or(dir).display()
        ));
    }
    let p = prefix.display();
    let mut conf = format!(
        "master_process off;\nworker_processes 1;\nuser root;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\n\
         events {{ worker_connections 4096; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n\
         keepalive_requests 1000000;\n  client_body_temp_path {p}/tmp;\n  proxy_temp_path {p}/tmp;\n\
         fastcgi_temp_path {p}/tmp;\n  uwsgi_temp_path {p}/tmp;\n  scgi_temp_path {p}/tmp;\n\
         server {{ listen 127.0.0.1:{port} default_server; return 404; }}\n"
    );
    for (host, locations) in &servers {
        conf.push_str(&format!(
            "  server {{\n    listen 127.0.0.1:{port};\n    server_name {host};\n{locations}  }}\n"
        ));
    }
    conf.push_str("}\n");
    let conf_file = prefix.join("nginx.conf");
    std::fs::write(&conf_file, conf)?;
    let mut guard = Guard::new(
        "nginx",
        Command::new(nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(&conf_file)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("could not start nginx")?,
    );
    wait_for_port(port, &mut guard, Duration::from_secs(10))?;
    Ok(Some((guard, port)))
}

/// nginx, installed with apt-get when missing and this runs as root.
fn find_nginx() -> Option<PathBuf> {
    let found = || {
        ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
    };
    if let Some(path) = found() {
        return Some(path);
    }
    super::apt_install("nginx-light");
    found()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_digits_and_segments() {
        assert!(matches("/users/{n}", "/users/542134"));
        assert!(!matches("/users/{n}", "/users/dubmatix"));
        assert!(!matches("/users/{n}", "/users/1/web-profiles"));
        assert!(matches("/users/{n}/web-profiles", "/users/1/web-profiles"));
        assert!(matches("/genre/{s}/12/top-100", "/genre/-/12/top-100"));
        assert!(!matches("/genre/{s}/12/top-100", "/genre/-/13/top-100"));
        assert!(matches("/", "/"));
        assert!(!matches("/search", "/search/x"));
        assert_eq!(
            nginx_regex("/users/{n}/web-profiles"),
            "^/users/[0-9]+/web-profiles$"
        );
        assert_eq!(
            nginx_regex("/genre/{s}/12/top-100"),
            "^/genre/[^/]+/12/top-100$"
        );
        assert_eq!(nginx_regex("/a.js"), "^/a\\.js$");
    }
}
