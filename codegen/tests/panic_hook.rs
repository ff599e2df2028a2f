//! Generation catches progenitor's panics quietly without breaking the process's panic hook: the
//! hook is replaced once, by one that is silent only on a thread inside a generation. (Alone in
//! its test binary: it installs its own hook before any generation.)

use std::sync::atomic::{AtomicUsize, Ordering};

use n8n_api_codegen::pipeline;

/// A spec progenitor panics on (two success bodies), so generating it catches panics.
const PANICKING: &str = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /two/{id}:\n    get:\n      operationId: twoBodies\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200': { description: ok, content: { application/json: { schema: { type: object } } } }\n        '204': { description: none }\n";

#[test]
fn generations_on_many_threads_keep_the_panic_hook() {
    static REPORTED: AtomicUsize = AtomicUsize::new(0);
    std::panic::set_hook(Box::new(|_| {
        REPORTED.fetch_add(1, Ordering::SeqCst);
    }));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..5 {
                    assert!(pipeline::run(PANICKING.as_bytes(), "two.yml", None, "test").is_err());
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a generation thread panicked");
    }
    assert_eq!(REPORTED.load(Ordering::SeqCst), 0, "a caught panic reached the hook");
    let loud = std::thread::spawn(|| panic!("a panic outside generation")).join();
    assert!(loud.is_err());
    assert_eq!(
        REPORTED.load(Ordering::SeqCst),
        1,
        "a panic after the generations no longer reaches the hook"
    );
}
