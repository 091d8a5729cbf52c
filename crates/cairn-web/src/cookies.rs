//! Cookies: the session, the CSRF secret and flash messages. Values that
//! come back from the browser and matter (CSRF tokens, flash messages) are
//! signed with the server's key.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) const SESSION: &str = "cairn_session";
pub(crate) const CSRF: &str = "cairn_csrf";
pub(crate) const FLASH: &str = "cairn_flash";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The value of a cookie in a request.
pub(crate) fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` header: HttpOnly, SameSite=Lax, Path=/, and Secure when asked.
pub(crate) fn set(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie)
        .unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// A `Set-Cookie` header that removes a cookie.
pub(crate) fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", Some(0), secure)
}

pub(crate) fn append(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

fn mac(key: &[u8], purpose: &str, value: &str) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(value.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The CSRF token for forms, derived from the browser's CSRF cookie.
pub(crate) fn csrf_token(key: &[u8], cookie_value: &str) -> String {
    B64.encode(mac(key, "csrf", cookie_value))
}

/// Whether a submitted CSRF token matches the browser's cookie.
pub(crate) fn csrf_valid(key: &[u8], cookie_value: &str, submitted: &str) -> bool {
    use subtle::ConstantTimeEq;
    let expected = csrf_token(key, cookie_value);
    expected.as_bytes().ct_eq(submitted.as_bytes()).into()
}

/// A signed flash cookie value: `kind` and `message`.
pub(crate) fn flash_value(key: &[u8], kind: &str, message: &str) -> String {
    let payload = B64.encode(format!("{kind}\n{message}"));
    let sig = B64.encode(mac(key, "flash", &payload));
    format!("{payload}.{sig}")
}

/// Reads a signed flash cookie value.
pub(crate) fn read_flash(key: &[u8], value: &str) -> Option<(String, String)> {
    use subtle::ConstantTimeEq;
    let (payload, sig) = value.split_once('.')?;
    let expected = B64.encode(mac(key, "flash", payload));
    if !bool::from(expected.as_bytes().ct_eq(sig.as_bytes())) {
        return None;
    }
    let text = String::from_utf8(B64.decode(payload).ok()?).ok()?;
    let (kind, message) = text.split_once('\n')?;
    Some((kind.to_owned(), message.to_owned()))
}

/// A new random value for the CSRF cookie.
pub(crate) fn random_value() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    B64.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_are_bound_to_the_cookie_and_key() {
        let token = csrf_token(b"key", "cookie");
        assert!(csrf_valid(b"key", "cookie", &token));
        assert!(!csrf_valid(b"key", "other", &token));
        assert!(!csrf_valid(b"other", "cookie", &token));
        assert!(!csrf_valid(b"key", "cookie", ""));
    }

    #[test]
    fn flash_messages_must_carry_our_signature() {
        let v = flash_value(b"key", "success", "Saved <b>");
        assert_eq!(
            read_flash(b"key", &v),
            Some(("success".into(), "Saved <b>".into()))
        );
        assert_eq!(read_flash(b"other", &v), None);
        let forged = format!(
            "{}.{}",
            B64.encode("error\nPhish"),
            v.split_once('.').map(|p| p.1).unwrap_or("")
        );
        assert_eq!(read_flash(b"key", &forged), None);
    }

    #[test]
    fn cookies_are_read_from_any_cookie_header() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; cairn_session=abc"));
        assert_eq!(get(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&h, "missing"), None);
        let c = set("x", "y", Some(10), true);
        assert_eq!(
            c.to_str().ok(),
            Some("x=y; Path=/; HttpOnly; SameSite=Lax; Max-Age=10; Secure")
        );
    }
}
