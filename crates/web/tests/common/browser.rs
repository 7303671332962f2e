//! A user's browser against the test server: pages fetched, forms posted.

/// A client keeping cookies and never following redirects, that knows the server's address:
/// a user's browser. It derefs to the client for requests the helpers do not cover.
#[derive(Clone)]
pub struct Browser {
    client: reqwest::Client,
    base: String,
}

impl std::ops::Deref for Browser {
    type Target = reqwest::Client;

    fn deref(&self) -> &reqwest::Client {
        &self.client
    }
}

impl Browser {
    /// A browser without a session against the server at `base`.
    pub fn new(base: String) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser { client, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs `path`; the answer.
    pub async fn open(&self, path: &str) -> reqwest::Response {
        self.get(self.url(path)).send().await.unwrap()
    }

    /// GETs `path`; the page's text, whatever its status.
    pub async fn page(&self, path: &str) -> String {
        self.open(path).await.text().await.unwrap()
    }

    /// GETs `path`; the status.
    pub async fn status(&self, path: &str) -> u16 {
        self.open(path).await.status().as_u16()
    }

    /// The anti-forgery token of the forms on the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        form_field(&self.page(path).await, "csrf").to_owned()
    }

    /// Posts a form to `path`; the answer.
    pub async fn submit(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// Posts a form to `path`: the anti-forgery token `csrf`, then `fields`; the answer.
    pub async fn submit_with_csrf(
        &self,
        path: &str,
        csrf: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = vec![("csrf", csrf)];
        form.extend_from_slice(fields);
        self.submit(path, &form).await
    }

    /// Posts a form to `path`; the text of the answer, whatever its status.
    pub async fn submit_text(&self, path: &str, form: &[(&str, &str)]) -> String {
        self.submit(path, form).await.text().await.unwrap()
    }
}

/// The value of the first form field `name` in `html`.
pub fn form_field<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap() + marker.len();
    &html[start..start + html[start..].find('"').unwrap()]
}
