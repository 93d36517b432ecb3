//! `techno-scraper mcp`: the same tools over stdio, for clients that start the server themselves
//! (Claude Desktop, Cursor). JSON-RPC on stdin/stdout, scraping in this process; the log goes to
//! stderr only, since one stray byte on stdout breaks the client.

use std::sync::Arc;

use anyhow::Context as _;
use rmcp::ServiceExt as _;
use scraper_core::Engine;

use super::Server;

/// Serves the tools of `engine` on stdin/stdout until the client closes them.
pub async fn serve(engine: Arc<Engine>, public_url: Option<&str>) -> anyhow::Result<()> {
    let server = Server::new(engine, public_url);
    let tools = server.toolbox().tools().len();
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client did not complete the handshake on stdin/stdout")?;
    tracing::info!(tools, "MCP server on stdio");
    let reason = running.waiting().await.context("the MCP server stopped")?;
    tracing::info!(?reason, "MCP server on stdio stopped");
    Ok(())
}
