//! Reads the fields of a `multipart/form-data` request body (the package import), enough to
//! match them: each part's name, file name and bytes.

use wiremock::Request;

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub name: String,
    /// Present for a file field.
    pub file_name: Option<String>,
    pub body: Vec<u8>,
}

/// The parts of a multipart request body; `None` if it is not one or does not parse.
pub(crate) fn parts(request: &Request) -> Option<Vec<Part>> {
    let content_type = request.headers.get("content-type")?.to_str().ok()?;
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let boundary = params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim_matches('"').to_string())
    })?;
    parse(&request.body, &boundary)
}

fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest = &body[find(body, &delimiter)? + delimiter.len()..];
    let mut out = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(out);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let headers_end = find(rest, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&rest[..headers_end]).ok()?;
        let content = &rest[headers_end + 4..];
        let mut end_marker = b"\r\n".to_vec();
        end_marker.extend_from_slice(&delimiter);
        let end = find(content, &end_marker)?;
        let (name, file_name) = disposition(headers)?;
        out.push(Part {
            name,
            file_name,
            body: content[..end].to_vec(),
        });
        rest = &content[end + end_marker.len()..];
    }
}

/// `name` and `filename` of a part's `Content-Disposition: form-data; name="x"; filename="y"`.
fn disposition(headers: &str) -> Option<(String, Option<String>)> {
    let line = headers.split("\r\n").find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case("content-disposition").then_some(v)
    })?;
    let mut name = None;
    let mut file_name = None;
    for param in line.split(';').skip(1) {
        let Some((k, v)) = param.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"').to_string();
        match k.trim() {
            "name" => name = Some(v),
            "filename" => file_name = Some(v),
            _ => {}
        }
    }
    Some((name?, file_name))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_text_and_file_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"projectId\"\r\n\r\np1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"package\"; filename=\"p.n8np\"\r\nContent-Type: application/octet-stream\r\n\r\n\x1f\x8b\r\n\x00\r\n--XyZ--\r\n";
        let parts = parse(body, "XyZ").unwrap();
        assert_eq!(
            parts,
            [
                Part {
                    name: "projectId".into(),
                    file_name: None,
                    body: b"p1".to_vec()
                },
                Part {
                    name: "package".into(),
                    file_name: Some("p.n8np".into()),
                    body: b"\x1f\x8b\r\n\x00".to_vec()
                },
            ]
        );
    }

    #[test]
    fn what_is_not_a_form_is_none() {
        assert!(parse(b"{\"a\":1}", "XyZ").is_none());
        assert!(parse(b"--XyZ\r\nno headers end", "XyZ").is_none());
    }
}
