//! Runtime overhead of the client over plain reqwest + serde_json, against a loopback server
//! serving responses recorded from a real n8n 2.40.7 (bench/fixtures/):
//! - requests per second, get-workflow and list-workflows (250 items a page): n8n-api versus the
//!   same requests made with reqwest and decoded with serde_json into the same generated types
//!   (the baseline); target: at least 0.95 of the baseline;
//! - decode throughput of a 250-workflow page into the generated types versus into a
//!   `serde_json::Value`;
//! - pagination over 10,000 items: peak memory of streaming versus collecting.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_bench::server::{Request, Response, serve};
use n8n_api_bench::{mib, peak_rss, reset_peak_rss, root, rss};

const KEY: &str = "bench-key";
const PAGES: usize = 40;

fn fixture(name: &str) -> Bytes {
    Bytes::from(std::fs::read(root().join("bench/fixtures").join(name)).expect("bench/fixtures"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let workflow = fixture("workflow.json");
    let page = fixture("workflows-250.json");
    let page_json: serde_json::Value = serde_json::from_slice(&page).unwrap();
    // 40 pages chained by cursors p1..p39, for the pagination run.
    let pages: Vec<Bytes> = (0..PAGES)
        .map(|i| {
            let mut p = page_json.clone();
            p["nextCursor"] = if i + 1 < PAGES {
                serde_json::json!(format!("p{}", i + 1))
            } else {
                serde_json::Value::Null
            };
            Bytes::from(serde_json::to_vec(&p).unwrap())
        })
        .collect();
    let workflow_id = serde_json::from_slice::<serde_json::Value>(&workflow).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (w, p0, ps) = (workflow.clone(), page.clone(), pages.clone());
    let handler = Arc::new(move |req: Request| {
        if req.path.starts_with("/api/v1/workflows/") {
            return Response::json(w.clone());
        }
        let cursor = req
            .query
            .split('&')
            .find_map(|kv| kv.strip_prefix("cursor="))
            .and_then(|c| c.trim_start_matches('p').parse::<usize>().ok());
        match cursor {
            Some(n) => Response::json(ps[n].clone()),
            None if req.query.contains("name=paged") => Response::json(ps[0].clone()),
            None => Response::json(p0.clone()),
        }
    });
    let addr = serve(handler).await;
    let base = format!("http://{addr}");
    let client = Client::builder(&base, KEY).build().unwrap();
    // The baseline sends the same request bytes: the same headers as the generated client.
    let http = reqwest::Client::builder()
        .user_agent(concat!("n8n-api-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap();

    println!("runtime benchmark (release, loopback, responses recorded from n8n 2.40.7)");
    // --- requests per second ---
    let get_url = format!("{base}/api/v1/workflows/{workflow_id}");
    let list_url = format!("{base}/api/v1/workflows?limit=250.0");
    let mut ok = true;
    for (name, n) in [("get-workflow", 1000usize), ("list-workflows (250 items)", 100)] {
        let mut ours = Vec::new();
        let mut base_rps = Vec::new();
        let mut ratios = Vec::new();
        for round in 0..11 {
            // Alternate which side goes first, so drift on a shared machine hits both alike.
            let (o, b) = if round % 2 == 0 {
                let o = run_client(&client, name, &workflow_id, n).await;
                (o, run_baseline(&http, name, &get_url, &list_url, n).await)
            } else {
                let b = run_baseline(&http, name, &get_url, &list_url, n).await;
                (run_client(&client, name, &workflow_id, n).await, b)
            };
            ours.push(o);
            base_rps.push(b);
            ratios.push(o / b);
        }
        let (o, b, ratio) = (median_f(ours), median_f(base_rps), median_f(ratios));
        ok &= ratio >= 0.95;
        println!(
            "  {name:<28} n8n-api {o:>8.0} req/s   reqwest+serde_json {b:>8.0} req/s   ratio {ratio:.3} (median of 11 paired rounds; target >= 0.95) -> {}",
            if ratio >= 0.95 { "ok" } else { "MISSED" }
        );
    }

    // --- decode throughput ---
    let mb = page.len() as f64 / 1e6;
    let reps = 50;
    let typed = median_d(
        (0..7)
            .map(|_| {
                time(|| {
                    for _ in 0..reps {
                        std::hint::black_box(serde_json::from_slice::<types::GetWorkflowsResponse>(&page).unwrap());
                    }
                })
            })
            .collect(),
    );
    let value = median_d(
        (0..7)
            .map(|_| {
                time(|| {
                    for _ in 0..reps {
                        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&page).unwrap());
                    }
                })
            })
            .collect(),
    );
    let (t_mbs, v_mbs) = (
        mb * reps as f64 / typed.as_secs_f64(),
        mb * reps as f64 / value.as_secs_f64(),
    );
    println!(
        "  decode a 250-workflow page ({:.2} MB): generated types {t_mbs:.0} MB/s, serde_json::Value {v_mbs:.0} MB/s, ratio {:.2}",
        mb,
        t_mbs / v_mbs
    );

    // --- pagination over 10,000 items ---
    let base_rss = rss();
    reset_peak_rss();
    let mut count = 0usize;
    let mut items = client.get_workflows().limit(250).name("paged").stream();
    while let Some(item) = items.next().await {
        std::hint::black_box(item.unwrap());
        count += 1;
    }
    drop(items);
    let stream_growth = peak_rss().saturating_sub(base_rss);
    let base_rss = rss();
    reset_peak_rss();
    let all = client
        .get_workflows()
        .limit(250)
        .name("paged")
        .collect_all()
        .await
        .unwrap();
    let collect_growth = peak_rss().saturating_sub(base_rss);
    assert_eq!((count, all.len()), (PAGES * 250, PAGES * 250));
    drop(all);
    let flat = stream_growth * 4 < collect_growth;
    ok &= flat;
    println!(
        "  paginate {} items ({} pages): stream peak RSS +{:.1} MiB, collect_all +{:.1} MiB (ratio {:.2}) -> {}",
        PAGES * 250,
        PAGES,
        mib(stream_growth),
        mib(collect_growth),
        stream_growth as f64 / collect_growth.max(1) as f64,
        if flat { "flat" } else { "NOT FLAT" }
    );
    if !ok {
        std::process::exit(1);
    }
}

/// Requests per second through n8n-api.
async fn run_client(client: &Client, name: &str, workflow_id: &str, n: usize) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        if name == "get-workflow" {
            let w = client.get_workflow().workflow_id(workflow_id).send().await.unwrap();
            std::hint::black_box(&w);
        } else {
            let l = client.get_workflows().limit(250).send().await.unwrap();
            std::hint::black_box(&l);
        }
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// Requests per second of the same requests with reqwest + serde_json into the same types.
async fn run_baseline(http: &reqwest::Client, name: &str, get_url: &str, list_url: &str, n: usize) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        let url = if name == "get-workflow" { get_url } else { list_url };
        let bytes = http
            .get(url)
            .header("accept", "application/json")
            .header("api-version", "1.1.1")
            .header("x-n8n-api-key", KEY)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        if name == "get-workflow" {
            let w: types::Workflow = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(&w);
        } else {
            let l: types::GetWorkflowsResponse = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(&l);
        }
    }
    n as f64 / t.elapsed().as_secs_f64()
}

fn time(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

fn median_f(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn median_d(xs: Vec<Duration>) -> Duration {
    n8n_api_bench::median(xs)
}
