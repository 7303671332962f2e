//! Uploading a source extract through the API: loads idempotently, refuses unusable files
//! whole, only for stewards and administrators.
use serde_json::Value;

use crate::TestApp;

const MAPPING: &str = r#"
source_system = "call_center"
kind = "customers"
[columns]
source_key = "key"
name = "name"
mobile = "mobile"
"#;

/// Where the call centre's extracts are uploaded.
const CALL_CENTER: &str = "/api/v1/imports/call_center";

fn setup(app: &TestApp) {
    let dir = app.import_dir.path().join("mappings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("call_center.mapping.toml"), MAPPING).unwrap();
}

async fn upload(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> (u16, Value) {
    let res = TestApp::client()
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_uploaded_extract_loads_once_and_bad_files_are_refused_whole() {
    for app in TestApp::each().await {
        setup(&app);
        let steward = app.token("steward01").await;
        let with_mode = |mode: &str| format!("{CALL_CENTER}?mode={mode}");
        let csv = "key,name,mobile\nCC1,赵敏,13600001111\nCC2,钱进,1360000\nCC3,孙丽,\n";
        let (s, body) = upload(&app, &steward, CALL_CENTER, csv.into()).await;
        assert_eq!(s, 200, "{}: {body}", app.backend);
        assert_eq!(
            (body["inserted"].as_i64(), body["rejected"].as_i64()),
            (Some(2), Some(1))
        );
        assert_eq!(body["rejects"][0]["line"], 3);
        assert_eq!(body["rejects"][0]["field"], "mobile");
        let (s, body) = upload(&app, &steward, &with_mode("full"), csv.into()).await;
        assert_eq!(
            (s, body["unchanged"].as_i64(), body["inserted"].as_i64()),
            (200, Some(2), Some(0))
        );

        // GBK without a declaration: refused, naming the line; nothing loaded.
        let (gbk, _, _) = encoding_rs::GBK.encode("key,name,mobile\nCC9,周杰,13600002222\n");
        let (s, body) = upload(&app, &steward, CALL_CENTER, gbk.into_owned()).await;
        assert_eq!(s, 400, "{body}");
        assert!(crate::message(&body).contains("line 2"), "{body}");

        let (s, _) = upload(&app, &steward, "/api/v1/imports/nope", csv.into()).await;
        assert_eq!(s, 404);
        let (s, body) = upload(&app, &steward, "/api/v1/imports/bad..name", csv.into()).await;
        assert_eq!((s, body["field"].as_str()), (400, Some("mapping")));
        let (s, body) = upload(&app, &steward, &with_mode("sometimes"), csv.into()).await;
        assert_eq!((s, body["field"].as_str()), (400, Some("mode")));
        let rm = app.token("rm.a").await;
        let (s, _) = upload(&app, &rm, CALL_CENTER, csv.into()).await;
        assert_eq!(s, 403);
        let runs = app.store.import_runs(10).await.unwrap();
        assert_eq!(runs.len(), 2, "{}: refused files leave no run", app.backend);
    }
}

/// An upload over the configured limit is refused with 413 and leaves no file behind.
#[tokio::test]
async fn an_upload_over_the_limit_is_413_and_leaves_nothing() {
    let small = |mut s: rapport_web::AppState| {
        s.config = std::sync::Arc::new(rapport_web::WebConfig {
            max_upload_bytes: 4096,
            ..(*s.config).clone()
        });
        s
    };
    for app in TestApp::each_with(small).await {
        setup(&app);
        let steward = app.token("steward01").await;
        let (s, body) = upload(&app, &steward, CALL_CENTER, vec![b'x'; 64 * 1024]).await;
        assert_eq!(s, 413, "{}: {body}", app.backend);
        let uploads = app.import_dir.path().join("uploads");
        let left = std::fs::read_dir(&uploads).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "{}", app.backend);
    }
}
