//! What the call log keeps of a verified request's parameters: all of them, in order, within a
//! fixed budget per call, so a long-running mock's log stays bounded whatever callers send.

/// The most bytes of one parameter value kept; a longer one is cut and marked.
const MAX_VALUE_BYTES: usize = 2048;
/// The most bytes of names and values kept per call; parameters past it are counted, not kept.
const MAX_CALL_BYTES: usize = 8192;

/// The parameters to record, cut to the budgets. A cut value ends with `…(+N bytes)`; when
/// parameters are left out, a last pair `("…", "N more parameters")` says how many.
pub(crate) fn recorded_parameters(parameters: &[(String, String)]) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    let mut budget = MAX_CALL_BYTES;
    for (index, (name, value)) in parameters.iter().enumerate() {
        let value = cut(value, MAX_VALUE_BYTES);
        let size = name.len() + value.len();
        if size > budget {
            kept.push((
                "…".to_owned(),
                format!("{} more parameters", parameters.len() - index),
            ));
            break;
        }
        budget -= size;
        kept.push((name.clone(), value));
    }
    kept
}

/// The headers to record: those that carry no credential or signature, names in lower case,
/// cut to the same budgets as the parameters.
pub(crate) fn recorded_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    let shown: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
        .filter(|(name, _)| !carries_credentials(name))
        .collect();
    recorded_parameters(&shown)
}

/// Whether a header (name in lower case) carries a credential, a token or a signature.
fn carries_credentials(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "proxy-authorization" | "cookie" | "x-acs-security-token"
    ) || name.starts_with("x-acs-signature")
}

/// `text`, or its first `limit` bytes (at a character boundary) and how many were cut.
fn cut(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…(+{} bytes)", &text[..end], text.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn headers_are_kept_without_credentials_or_signatures() {
        let headers = [
            pair("User-Agent", "deploy-bot/1.0"),
            pair("Authorization", "ACS3-HMAC-SHA256 Credential=id,Signature=abc"),
            pair("x-acs-security-token", "token"),
            pair("x-acs-signature-nonce", "n"),
            pair("Cookie", "c"),
            pair("Proxy-Authorization", "p"),
            pair("X-Trace", "t-1"),
        ];
        assert_eq!(
            recorded_headers(&headers),
            [pair("user-agent", "deploy-bot/1.0"), pair("x-trace", "t-1")]
        );
    }

    #[test]
    fn small_requests_are_kept_whole() {
        let parameters = vec![pair("Action", "DescribeRefreshTaskById"), pair("TaskId", "1,2")];
        assert_eq!(recorded_parameters(&parameters), parameters);
    }

    #[test]
    fn long_values_and_many_parameters_are_cut_and_counted() {
        let long = "é".repeat(5000);
        let kept = recorded_parameters(&[pair("ObjectPath", &long)]);
        assert!(kept[0].1.ends_with("…(+7952 bytes)"), "{}", &kept[0].1[2000..]);
        let many: Vec<(String, String)> = (0..1000)
            .map(|n| pair(&format!("P{n}"), &"v".repeat(100)))
            .collect();
        let kept = recorded_parameters(&many);
        let size: usize = kept.iter().map(|(n, v)| n.len() + v.len()).sum();
        assert!(size <= MAX_CALL_BYTES + 64, "{size}");
        let (marker, count) = kept.last().unwrap();
        assert_eq!(marker, "…");
        assert_eq!(count, &format!("{} more parameters", 1000 - (kept.len() - 1)));
    }
}
