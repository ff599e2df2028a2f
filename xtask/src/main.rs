fn main() {
    let path = std::env::args().nth(1).unwrap();
    let out = std::env::args().nth(2).unwrap();
    let spec = n8n_api_codegen::load::from_path(path.as_ref()).unwrap();
    let mut doc = spec.document.clone();
    let log = n8n_api_codegen::normalize::normalize(&mut doc).unwrap();
    for (r, c) in &log.changes { eprintln!("{r}: {c}"); }
    std::fs::write(format!("{out}.json"), serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let t = std::time::Instant::now();
    let g = n8n_api_codegen::generate::generate(&doc).unwrap_or_else(|e| { eprintln!("{e}"); std::process::exit(1) });
    let h = n8n_api_codegen::format::Header { command: "x".into(), n8n_version: None, spec_sha256: spec.sha256.clone() };
    std::fs::write(&out, n8n_api_codegen::format::format_file(&g.file, &h)).unwrap();
    eprintln!("ops {} types {} in {:?}", g.operations.len(), g.types, t.elapsed());
}
