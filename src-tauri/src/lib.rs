//! HandoverDesk desktop shell: builds the Tauri app, opens the database, registers the commands.
//! The commands themselves live in `commands/` and only adapt (state in, service call, typed error out).

pub mod commands;
pub mod json;
pub mod state;

use tauri::{Manager, Runtime};

/// Register plugins and commands on any runtime (the real one, or the mock one in tests).
pub fn builder<R: Runtime>(b: tauri::Builder<R>) -> tauri::Builder<R> {
    b.plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(commands::handler())
}

/// When the process started (for the cold-start benchmark).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Start the desktop app. The database is `$HANDOVER_DB` if set, else `handover.db` in the app-data folder.
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    let app = builder(tauri::Builder::default())
        .setup(|app| {
            let path = match std::env::var_os("HANDOVER_DB") {
                Some(p) => std::path::PathBuf::from(p),
                None => app.path().app_data_dir()?.join("handover.db"),
            };
            let services = tauri::async_runtime::block_on(services::Services::open(&path))
                .map_err(|e| format!("无法打开数据库 {}：{}", path.display(), e.message))?;
            app.manage(state::AppState::new(services));
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(e) => {
            eprintln!("交付台无法启动：{e}");
            std::process::exit(1);
        }
    }
}

/// Milliseconds since `run()` began (0 under the mock runtime).
pub fn uptime_ms() -> u128 {
    STARTED.get().map(|t| t.elapsed().as_millis()).unwrap_or(0)
}
