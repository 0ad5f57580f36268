//! Migrations that carry data: 0007 moves the floor plans and parties kept in `settings` into their
//! own tables; 0008 moves photo files into the database.

use crate::Store;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};

#[tokio::test]
async fn settings_rows_move_into_their_tables() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("before-0007.db");
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePool::connect_with(opts).await.expect("file");
    let earlier: Vec<_> = crate::MIGRATIONS_SQLITE.iter().filter(|m| m.version < 7).cloned().collect();
    sqlx::migrate::Migrator::with_migrations(earlier)
        .run(&pool)
        .await
        .expect("earlier migrations");
    for sql in [
        "INSERT INTO projects (id, name) VALUES (3, 'Garden')",
        "INSERT INTO settings (key, value, image, updated_at, updated_by) VALUES
            ('floor_plan.3.flat', 'plan.png', x'89504E47', 't1', 'pm'),
            ('floor_plan.3.shop.level-2', 'shop.jpg', x'FFD8FF', 't2', 'pm'),
            ('floor_plan.9.flat', 'gone.png', x'00', 't', 'pm'),
            ('defect_parties.3', '[\"fit-out\",\" main \",\"fit-out\",\"\"]', NULL, 't', 'pm'),
            ('defect_parties.9', '[\"main\"]', NULL, 't', 'pm'),
            ('letterhead.company', 'Property Co', NULL, 't', 'pm')",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.expect(sql);
    }
    pool.close().await;

    let (store, _) = Store::open(&path).await.expect("migrates");
    let plan = store.floor_plan(3, "flat").await.expect("plan").expect("carried");
    assert_eq!((plan.file_name.as_str(), plan.image.as_slice()), ("plan.png", &b"\x89PNG"[..]));
    let shop = store.floor_plan(3, "shop.level-2").await.expect("plan").expect("a dot in the type");
    assert_eq!(shop.file_name, "shop.jpg");
    assert_eq!(
        store.defect_parties(3).await.expect("parties"),
        ["fit-out", "main"],
        "trimmed, first kept, blanks dropped"
    );
    assert!(store.defect_parties(9).await.expect("none").is_empty(), "no such project");
    let left: Vec<String> = sqlx::query_scalar("SELECT key FROM settings ORDER BY key")
        .fetch_all(store.sqlite_pool())
        .await
        .expect("settings");
    assert_eq!(left, ["letterhead.company"], "only other settings stay");
}

/// Migration 0008 moves photo files kept beside the database into their rows: a matching file
/// moves in with its thumbnail, a missing file or one whose content does not match the hash stays
/// out (the row reads as missing), and the files are left in place.
#[tokio::test]
async fn photo_files_move_into_the_database() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("before-0008.db");
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePool::connect_with(opts).await.expect("file");
    let earlier: Vec<_> = crate::MIGRATIONS_SQLITE.iter().filter(|m| m.version < 8).cloned().collect();
    sqlx::migrate::Migrator::with_migrations(earlier)
        .run(&pool)
        .await
        .expect("earlier migrations");
    let photos = dir.path().join("photos");
    std::fs::create_dir_all(&photos).expect("folder");
    let good = b"\x89PNG good photo".to_vec();
    let good_hash = format!("{:x}", Sha256::digest(&good));
    std::fs::write(photos.join(format!("{good_hash}.png")), &good).expect("photo");
    std::fs::write(photos.join(format!("{good_hash}.thumb.jpg")), b"thumb").expect("thumb");
    let bad_hash = format!("{:x}", Sha256::digest(b"what it was"));
    std::fs::write(photos.join(format!("{bad_hash}.jpg")), b"something else").expect("changed file");
    let gone_hash = format!("{:x}", Sha256::digest(b"gone"));
    for (id, hash, ext) in [(1, &good_hash, "png"), (2, &bad_hash, "jpg"), (3, &gone_hash, "jpg")] {
        sqlx::query("INSERT INTO photos (id, hash, file_name, ext, bytes, created_at) VALUES ($1, $2, 'p', $3, 1, 't')")
            .bind(id)
            .bind(hash)
            .bind(ext)
            .execute(&pool)
            .await
            .expect("photo row");
    }
    pool.close().await;

    let (store, _) = Store::open(&path).await.expect("migrates");
    assert_eq!(store.photo(1, false).await.expect("photo"), ("png".to_string(), Some(good.clone())));
    assert_eq!(store.photo(1, true).await.expect("thumb").1, Some(b"thumb".to_vec()));
    assert_eq!(
        store.photo(2, false).await.expect("changed").1,
        None,
        "content does not match its hash"
    );
    assert_eq!(store.photo(3, false).await.expect("gone").1, None, "file missing");
    assert!(photos.join(format!("{good_hash}.png")).exists(), "files are left in place");
    store.close().await;
    // Reopening moves nothing twice and keeps what moved.
    let (store, _) = Store::open(&path).await.expect("reopens");
    assert_eq!(store.photo(1, false).await.expect("photo").1, Some(good));
}
