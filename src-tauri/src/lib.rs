//! HandoverDesk desktop shell: builds the Tauri app, opens the database, registers the commands.
//! The commands themselves live in `commands/` and only adapt (state in, service call, typed error out).

pub mod commands;
pub mod files;
pub mod json;
pub mod state;

use std::sync::Arc;
use tauri::{Manager, Runtime};

/// Register plugins and commands on any runtime (the real one, or the mock one in tests).
pub fn builder<R: Runtime>(b: tauri::Builder<R>) -> tauri::Builder<R> {
    b.plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .invoke_handler(commands::handler())
}

/// When the process started (for the cold-start benchmark).
static STARTED: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();

/// Start the desktop app. The records are `$HANDOVER_DB` if set (a file path or a PostgreSQL
/// URL), else `handover.db` in the app-data folder. When they cannot be opened (a bad URL, a
/// server that does not answer or refuses the password, a newer schema), the window still opens
/// and shows why (`startup_error`), instead of the app vanishing with a line on a console.
pub fn run() {
    STARTED.get_or_init(std::time::Instant::now);
    let app = builder(tauri::Builder::default())
        .setup(|app| {
            // Print folders that earlier runs of this user left behind (a crash, a kill).
            std::thread::spawn(|| files::PrintFolder::remove_stale(&std::env::temp_dir()));
            let app_data = app.path().app_data_dir()?;
            let location = match std::env::var("HANDOVER_DB") {
                Ok(p) if !p.trim().is_empty() => services::Location::parse(&p),
                _ => services::Location::File(app_data.join("handover.db")),
            };
            match tauri::async_runtime::block_on(services::backups::open_for_app(&location)) {
                Ok(services) => {
                    let files = files::Files::new(
                        Arc::new(files::Dialogs::new(app.handle().clone())),
                        files::Protected::new(Some(app_data), &location),
                    );
                    app.manage(state::AppState::new(services, files));
                    app.manage(state::Startup::default());
                }
                Err(e) => {
                    eprintln!("无法打开数据库 {}：{}", location.display(), e.message);
                    app.manage(state::Startup::failed(&location, e));
                }
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|app, event| {
            // The process ends right after this; managed state is never dropped, so clean up here.
            if let tauri::RunEvent::Exit = event {
                if let Some(state) = app.try_state::<state::AppState>() {
                    state.files().clean_up();
                }
            }
        }),
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
